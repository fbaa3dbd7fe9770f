#pragma once

// What an HTML report refers to, for the tests that check it is
// self-contained: its images are data URIs, and it loads no other file.
// (Plain scanning: std::regex recurses per character, and an embedded image
// is megabytes long.)

#include <string>
#include <vector>

namespace echolab::testing {

/// The value of every `attribute="..."` in `html`, in order.
inline std::vector<std::string> AttributeValues(const std::string& html,
                                                const std::string& attribute) {
  const std::string opening = " " + attribute + "=\"";
  std::vector<std::string> values;
  for (size_t start = html.find(opening); start != std::string::npos;
       start = html.find(opening, start)) {
    start += opening.size();
    const size_t end = html.find('"', start);
    if (end == std::string::npos) break;
    values.push_back(html.substr(start, end - start));
    start = end;
  }
  return values;
}

/// The src of every image in `html`, in order.
inline std::vector<std::string> ImageSources(const std::string& html) {
  return AttributeValues(html, "src");
}

/// Every src or href that is neither a data URI nor an anchor within the
/// page: the files a reader would need beside the report (none, when it is
/// self-contained).
inline std::vector<std::string> ExternalReferences(const std::string& html) {
  std::vector<std::string> external;
  for (const char* attribute : {"src", "href"}) {
    for (const std::string& target : AttributeValues(html, attribute)) {
      if (target.rfind("data:", 0) != 0 && target.rfind("#", 0) != 0) external.push_back(target);
    }
  }
  return external;
}

}  // namespace echolab::testing
