// Placeholder: replaced by the real view.
export function mountInputs(host) {
  const p = document.createElement('p');
  p.textContent = 'inputs view';
  host.append(p);
  return { update() {} };
}
