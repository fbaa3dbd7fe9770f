#include "sims/output/html_report.h"

#include <fmt/format.h>

#include "common/output_file.h"

namespace echolab {

std::string EscapeHtml(const std::string& text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        escaped.append("&amp;");
        break;
      case '<':
        escaped.append("&lt;");
        break;
      case '>':
        escaped.append("&gt;");
        break;
      default:
        escaped.push_back(c);
    }
  }
  return escaped;
}

void WriteHtmlReport(const std::string& title, const std::string& introduction,
                     const std::vector<ValidationCheck>& checks,
                     const std::filesystem::path& path) {
  OutputFile out(path);
  out.Print(R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{0}</title>
<style>
body {{ font-family: sans-serif; max-width: 60em; margin: 2em auto; line-height: 1.45; color: #222; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: 0.3em 0.7em; }}
.pass {{ color: #176f2c; font-weight: bold; }} .fail {{ color: #b00020; font-weight: bold; }}
img {{ max-width: 100%; border: 1px solid #ddd; }} section {{ margin-top: 2.5em; }}
</style></head><body>
<h1>{0}</h1>
<p>{1}</p>
<table><tr><th>check</th><th>verdict</th></tr>
)",
            EscapeHtml(title), EscapeHtml(introduction));
  for (const ValidationCheck& check : checks) {
    out.Print("<tr><td><a href=\"#{}\">{}</a></td><td class=\"{}\">{}</td></tr>\n", check.id,
              EscapeHtml(check.title), check.passed ? "pass" : "fail",
              check.passed ? "passed" : "FAILED");
  }
  out.Print("</table>\n");
  for (const ValidationCheck& check : checks) {
    out.Print(R"(<section id="{0}"><h2>{1}</h2>
<img src="{0}.png" alt="{1}">
<p><span class="{2}">{3}.</span> {4}</p></section>
)",
              check.id, EscapeHtml(check.title), check.passed ? "pass" : "fail",
              check.passed ? "Passed" : "Failed", EscapeHtml(check.paragraph));
  }
  out.Print("</body></html>\n");
  out.Close();
}

}  // namespace echolab
