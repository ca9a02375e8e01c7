# Sphinx configuration for the embedding example (Debian's python3-sphinx 5.3
# and python3-myst-parser 0.18, the engine under Jupyter Book). Built by
# scripts/build-sphinx-example.sh into dist/site/sphinx-example/, next to the
# lesson site, so the page can reach ../embed.html and ../assets/.
# Nothing here touches the network: no intersphinx, no remote themes or fonts.

project = 'tinytorch-wasm: embedding the Layers views'
author = 'tinytorch-wasm'
copyright = 'tinytorch-wasm contributors'
language = 'en'

extensions = ['myst_parser']
source_suffix = {'.md': 'markdown'}
root_doc = 'index'
exclude_patterns = ['_build', '_templates', '_static']

# The theme Debian ships with Sphinx (python3-alabaster); it loads no web fonts.
html_theme = 'alabaster'
html_theme_options = {
    'show_powered_by': False,
    'font_family': 'system-ui, -apple-system, "Segoe UI", sans-serif',
    'head_font_family': 'system-ui, -apple-system, "Segoe UI", sans-serif',
}
html_title = 'Embedding the Layers views'
templates_path = ['_templates']
html_static_path = ['_static']
html_css_files = ['example.css']
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None

# No sidebar: this is a one-page example, and Sphinx's searchbox.html shows
# itself with an inline <script> and a style="" attribute, which a strict
# Content-Security-Policy (as scripts/serve.mjs sends) refuses.
html_sidebars = {'**': []}
