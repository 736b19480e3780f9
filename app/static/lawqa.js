// 法律智多星: keep the page in its light theme and put Chinese on Gradio's own buttons.
// Called once on load with {English label: Chinese label}; lawqa.css's colours are chosen for light only,
// and Gradio's built-in strings follow the browser language, which at a desk may be English.
(labels) => {
  const light = () => {
    if (document.body.classList.contains("dark")) document.body.classList.remove("dark");
  };
  const translate = (root) => {
    for (const element of root.querySelectorAll("[title], [aria-label]")) {
      for (const attribute of ["title", "aria-label"]) {
        const value = element.getAttribute(attribute);
        if (value && Object.hasOwn(labels, value)) element.setAttribute(attribute, labels[value]);
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
