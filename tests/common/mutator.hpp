// Seeded mutations of a corpus, for the robustness tests: every parser a client can reach
// gets random and mutated input; none may crash, leak past its limits or accept something it
// cannot give back. Seeded, so a failure reproduces; bounded, so the suite stays fast (the
// sanitizer presets run it too).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace sio::test {

class mutator {
public:
    explicit mutator(std::uint32_t seed)
        : rng_(seed) {}

    std::size_t below(std::size_t n) { return n == 0 ? 0 : rng_() % n; }
    char byte() { return static_cast<char>(rng_() & 0xFF); }
    std::string bytes(std::size_t n) {
        std::string s(n, '\0');
        for (auto& c : s)
            c = byte();
        return s;
    }

    /// A mutated member of `corpus`, with pieces of another spliced in at times.
    std::string mutant(std::vector<std::string> const& corpus) {
        return mutate(corpus[below(corpus.size())], corpus[below(corpus.size())]);
    }

    /// A few random edits: flip, insert, delete, truncate, or splice in a piece of `other`.
    std::string mutate(std::string s, std::string_view other) {
        auto const edits = 1 + below(4);
        for (std::size_t e = 0; e < edits; ++e) {
            switch (below(6)) {
            case 0:
                if (!s.empty())
                    s[below(s.size())] ^= static_cast<char>(1u << below(8));
                break;
            case 1:
                s.insert(below(s.size() + 1), 1, byte());
                break;
            case 2:
                if (!s.empty())
                    s.erase(below(s.size()), 1 + below(4));
                break;
            case 3:
                s.resize(below(s.size() + 1));
                break;
            case 4: {
                // Characters the grammars care about.
                static constexpr std::string_view special = "0123456789[]{},-/\"\\:\x1e b";
                s.insert(below(s.size() + 1), 1, special[below(special.size())]);
                break;
            }
            default:
                if (!other.empty()) {
                    auto const from = below(other.size());
                    s.insert(below(s.size() + 1), other.substr(from, 1 + below(8)));
                }
            }
        }
        return s;
    }

private:
    std::mt19937 rng_;
};

} // namespace sio::test
