// Placeholder: replaced by the real view.
export function mountDropout(host) {
  const p = document.createElement('p');
  p.textContent = 'dropout view';
  host.append(p);
  return { update() {} };
}
