// Placeholder: replaced by the real view.
export function mountInverted(host) {
  const p = document.createElement('p');
  p.textContent = 'inverted view';
  host.append(p);
  return { update() {} };
}
