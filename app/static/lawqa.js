// 法律智多星: keep the page in its light theme and put Chinese on Gradio's own buttons.
// Called once on load with {labels: {English: Chinese}, prefixes: {English prefix: Chinese prefix}};
// lawqa.css's colours are chosen for light only, and Gradio's built-in strings follow the browser
// language, which at a desk may be English.
({labels, prefixes}) => {
  const light = () => {
    if (document.body.classList.contains("dark")) document.body.classList.remove("dark");
  };
  const translate = (root) => {
    for (const element of root.querySelectorAll("[title], [aria-label]")) {
      for (const attribute of ["title", "aria-label"]) {
        const value = element.getAttribute(attribute);
        if (!value) continue;
        if (Object.hasOwn(labels, value)) element.setAttribute(attribute, labels[value]);
        const prefix = Object.keys(prefixes).find((english) => value.startsWith(english));
        if (prefix) element.setAttribute(attribute, prefixes[prefix] + value.slice(prefix.length));
      }
    }
  };
  light();
  translate(document);
  new MutationObserver(() => {
    light();
    translate(document);
  }).observe(document.body, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["class", "title", "aria-label"],
  });
}
