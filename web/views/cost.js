// Placeholder: replaced by the real view.
export function mountCost(host) {
  const p = document.createElement('p');
  p.textContent = 'cost view';
  host.append(p);
  return { update() {} };
}
