# cmake -DNODE=node -DA=test_gemm_simd.js -DB=test_gemm_scalar.js -P same_digest.cmake
# Runs both builds of test_gemm and fails unless both pass and print the
# same "gemm_ex digest" line: the SIMD128 and scalar kernels gave the same
# bits for every case.
foreach(v A B)
  execute_process(COMMAND ${NODE} ${${v}} RESULT_VARIABLE rc OUTPUT_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${${v}} failed (${rc}):\n${out}")
  endif()
  string(REGEX MATCH "gemm_ex digest [0-9a-f]+" d_${v} "${out}")
  if(d_${v} STREQUAL "")
    message(FATAL_ERROR "${${v}} printed no digest:\n${out}")
  endif()
endforeach()
if(NOT d_A STREQUAL d_B)
  message(FATAL_ERROR "SIMD128 and scalar differ: ${d_A} vs ${d_B}")
endif()
message(STATUS "both builds: ${d_A}")
