// Placeholder: replaced by the real view.
export function mountMemory(host) {
  const p = document.createElement('p');
  p.textContent = 'memory view';
  host.append(p);
  return { update() {} };
}
