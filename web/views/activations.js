// Placeholder: replaced by the real view.
export function mountActivations(host) {
  const p = document.createElement('p');
  p.textContent = 'activations view';
  host.append(p);
  return { update() {} };
}
