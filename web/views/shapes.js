// Placeholder: replaced by the real view.
export function mountShapes(host) {
  const p = document.createElement('p');
  p.textContent = 'shapes view';
  host.append(p);
  return { update() {} };
}
