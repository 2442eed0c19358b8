"""What the Content-Security-Policy (script-src and style-src 'self') refuses in a page.

Browsers would silently drop these, so a page relying on one is broken for real users while
looking fine in a test: tests/conftest.py checks every HTML response of the suite with
``csp_violations``, and tests/trust/test_inline_code.py scans the template sources.
"""

from html.parser import HTMLParser

# JSON data blocks (allauth's WebAuthn pages, Django's json_script) are never executed.
DATA_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction"}


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.script = None  # the open <script>'s attributes and text so far

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"event handler: <{tag} {name}=...>")
            elif name == "style":
                self.found.append(f"style attribute: <{tag} style={value!r}>")
            elif name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL: <{tag} {name}={value!r}>")
        if tag == "style":
            self.found.append("style element: <style>")
        if tag == "script":
            self.script = (names, [])

    def handle_data(self, data):
        if self.script is not None:
            self.script[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self.script is not None:
            names, text = self.script
            code = "".join(text).strip()
            kind = (names.get("type") or "").strip().lower()
            if "src" not in names and kind not in DATA_TYPES and code:
                self.found.append(f"inline script: <script>{code[:80]}</script>")
            self.script = None


def csp_violations(html):
    """Everything in ``html`` the policy would block, each as a short description."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.found


def inline_scripts(html):
    """The executable <script> elements written into the page rather than loaded from a file."""
    return [found for found in csp_violations(html) if found.startswith("inline script")]
