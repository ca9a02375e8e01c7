// Placeholder: replaced by the real view.
export function mountInit(host) {
  const p = document.createElement('p');
  p.textContent = 'init view';
  host.append(p);
  return { update() {} };
}
