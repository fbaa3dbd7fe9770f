#include "circuits/netlist_includes.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <utility>

#include "circuits/netlist_lexer.h"
#include "common/error.h"
#include "physics/input_file.h"
#include "physics/lower_case.h"

namespace echolab {
namespace {

namespace fs = std::filesystem;

// A blank-separated word of a card, quotes ("..." or '...') removed, with
// the offset in Card::text where it starts.
struct Word {
  std::string text;
  size_t offset;
};

std::vector<Word> Words(const Card& card) {
  std::vector<Word> words;
  const std::string& text = card.text;
  size_t pos = 0;
  while (pos < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[pos]))) {
      ++pos;
      continue;
    }
    const size_t begin = pos;
    const char quote = text[pos] == '"' || text[pos] == '\'' ? text[pos] : '\0';
    if (quote != '\0') {
      const size_t close = text.find(quote, pos + 1);
      pos = close == std::string::npos ? text.size() : close + 1;
      words.push_back({text.substr(begin + 1, pos - begin - 2 + (close == std::string::npos)),
                       begin});
      continue;
    }
    while (pos < text.size() && !std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
    words.push_back({text.substr(begin, pos - begin), begin});
  }
  return words;
}

// Reads the netlist and the files it includes, depth first, in order.
class SourceReader {
 public:
  NetlistSource Read(std::string_view text, const std::string& file) {
    NetlistLines lines = SplitCards(text, file);
    source_.title = std::move(lines.title);
    chain_.push_back({Identity(file), file});
    Append(std::move(lines.cards), file, /*included=*/false);
    return std::move(source_);
  }

 private:
  struct OpenFile {
    std::string identity;  // the canonical path, to detect cycles
    std::string name;      // as messages show it
  };

  static std::string Identity(const std::string& path) {
    std::error_code error;
    const fs::path canonical = fs::weakly_canonical(path, error);
    return error ? path : canonical.string();
  }

  // Adds the cards of `file`, expanding .include and .lib, removing .control
  // blocks; an included file ends at its .end card.
  void Append(std::vector<Card> cards, const std::string& file, bool included) {
    for (size_t i = 0; i < cards.size(); ++i) {
      const std::string keyword = FirstWord(cards[i]);
      if (keyword == ".control") {
        i = EndOfControlBlock(cards, i, file);
      } else if (keyword == ".end" && included) {
        return;
      } else if (keyword == ".include" || keyword == ".inc") {
        Include(cards[i], file);
      } else if (keyword == ".lib") {
        IncludeLibrarySection(cards[i], file);
      } else {
        source_.cards.push_back({std::move(cards[i]), file});
      }
    }
  }

  // The index of the .endc that closes the .control block at cards[start].
  size_t EndOfControlBlock(const std::vector<Card>& cards, size_t start, const std::string& file) {
    source_.control_blocks.push_back({cards[start], file});
    for (size_t i = start + 1; i < cards.size(); ++i) {
      if (FirstWord(cards[i]) == ".endc") return i;
    }
    ThrowInputError(file, cards[start].LocationAt(0), "unterminated .control block",
                    DescribeToken(".control"), "a .endc card after it");
  }

  // The words of a card that must have exactly `count` of them.
  static std::vector<Word> WordsOf(const Card& card, size_t count, const std::string& file,
                                   std::string_view what, std::string_view expected) {
    std::vector<Word> words = Words(card);
    if (words.size() != count) {
      const bool few = words.size() < count;
      ThrowInputError(file, few ? card.end : card.LocationAt(words[count].offset), what,
                      DescribeToken(few ? std::string() : words[count].text), expected);
    }
    return words;
  }

  // .include PATH
  void Include(const Card& card, const std::string& file) {
    const std::vector<Word> words =
        WordsOf(card, 2, file, "bad .include", "one file name: .include PATH");
    const std::string path = Resolve(file, words[1].text);
    Append(ReadIncluded(path, card, words[1], file), path, /*included=*/true);
    chain_.pop_back();
  }

  // .lib PATH SECTION: the cards between '.lib SECTION' and '.endl' of PATH.
  void IncludeLibrarySection(const Card& card, const std::string& file) {
    const std::vector<Word> words =
        WordsOf(card, 3, file, "bad .lib",
                "a file and a section: .lib PATH SECTION (a '.lib SECTION' ... '.endl' block "
                "belongs in the library file)");
    const std::string path = Resolve(file, words[1].text);
    std::vector<Card> cards = ReadIncluded(path, card, words[1], file);
    Append(Section(std::move(cards), path, Lower(words[2].text), card, words[2], file), path,
           /*included=*/true);
    chain_.pop_back();
  }

  static std::vector<Card> Section(std::vector<Card> cards, const std::string& path,
                                   const std::string& section, const Card& card, const Word& word,
                                   const std::string& file) {
    std::vector<std::string> sections;
    for (size_t i = 0; i < cards.size(); ++i) {
      const std::vector<Word> words = Words(cards[i]);
      if (words.size() != 2 || Lower(words[0].text) != ".lib") continue;
      sections.push_back(Lower(words[1].text));
      if (sections.back() != section) continue;
      size_t end = i + 1;
      while (end < cards.size() && FirstWord(cards[end]) != ".endl") ++end;
      return {std::make_move_iterator(cards.begin() + static_cast<std::ptrdiff_t>(i) + 1),
              std::make_move_iterator(cards.begin() + static_cast<std::ptrdiff_t>(end))};
    }
    ThrowInputError(file, card.LocationAt(word.offset), "no such library section",
                    DescribeToken(word.text),
                    fmt::format("a section of {} ({})", path,
                                sections.empty() ? "it has none"
                                                 : fmt::format("{}", fmt::join(sections, ", "))));
  }

  static std::string Resolve(const std::string& including_file, const std::string& name) {
    const fs::path path(name);
    return (path.is_absolute() ? path : fs::path(including_file).parent_path() / path).string();
  }

  // The cards of an included file, after checking the depth and for a
  // cycle; pushes it on the chain of open files (the caller pops it).
  std::vector<Card> ReadIncluded(const std::string& path, const Card& card, const Word& word,
                                 const std::string& file) {
    const SourceLocation at = card.LocationAt(word.offset);
    if (static_cast<int>(chain_.size()) > kMaxIncludeDepth) {
      ThrowInputError(file, at, "includes nested too deeply", DescribeToken(word.text),
                      fmt::format("at most {} nested .include and .lib cards", kMaxIncludeDepth));
    }
    const std::string identity = Identity(path);
    const auto open = std::find_if(chain_.begin(), chain_.end(),
                                   [&](const OpenFile& f) { return f.identity == identity; });
    if (open != chain_.end()) {
      std::vector<std::string> names;
      for (auto f = open; f != chain_.end(); ++f) names.push_back(f->name);
      ThrowInputError(file, at, "include cycle", DescribeToken(word.text),
                      fmt::format("a file that is not already being read ({} -> {})",
                                  fmt::join(names, " -> "), path));
    }
    std::string text;
    try {
      text = ReadInputFile(path, "included file");
    } catch (const InputError& error) {
      ThrowInputError(file, at, "cannot read the included file", DescribeToken(word.text),
                      fmt::format("a readable file, relative to the including file ({})",
                                  error.what()));
    }
    chain_.push_back({identity, path});
    return SplitCards(text, path, FirstLine::kCard).cards;
  }

  NetlistSource source_;
  std::vector<OpenFile> chain_;
};

}  // namespace

std::string FirstWord(const Card& card) {
  const size_t end = card.text.find_first_of(" \t\f\v");
  return Lower(std::string_view(card.text).substr(0, end));
}

NetlistSource ReadNetlistSource(std::string_view text, const std::string& file) {
  return SourceReader().Read(text, file);
}

}  // namespace echolab
