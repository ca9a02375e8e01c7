// Placeholder: replaced by the real view.
export function mountEditor(host) {
  const p = document.createElement('p');
  p.textContent = 'editor view';
  host.append(p);
  return { update() {} };
}
