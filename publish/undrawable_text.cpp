// Characters of a feed that the screens will not draw. See undrawable_text.hpp.
#include "publish/undrawable_text.hpp"

#include <utility>

#include "sync/drawable_text.hpp"
#include "sync/json_limited.hpp"

namespace campus::publish {

namespace {


void check_string(const std::string& pointer, std::string_view text, std::vector<UndrawableText>& out) {
    const std::size_t first_of_string = out.size();
    for (const UndrawableCharacter& c : undrawable_characters(text)) {
        const std::string reason(why_not_drawn(c.codepoint));
        bool counted = false;
        for (std::size_t i = first_of_string; i < out.size() && !counted; ++i)
            if (out[i].reason == reason) {
                ++out[i].count;
                counted = true;
            }
        if (!counted) out.push_back(UndrawableText{pointer, c.index, c.codepoint, 1, reason});
    }
}

}  // namespace

std::string to_string(const UndrawableText& text) {
    std::string out = text.pointer + ": ";
    out += text.count == 1 ? "a character the screens will not draw (" + code_point_name(text.codepoint)
                           : std::to_string(text.count) + " characters the screens will not draw (" +
                                 code_point_name(text.codepoint) + "…";
    out += text.count == 1 ? ", character " : ", from character ";
    out += std::to_string(text.first + 1) + "): " + text.reason;
    return out;
}

std::vector<UndrawableText> find_undrawable_text(const nlohmann::ordered_json& feed) {
    std::vector<UndrawableText> out;
    // An explicit stack in document order: the contract's check already
    // bounded the depth, but this walk does not rely on it.
    std::vector<std::pair<const nlohmann::ordered_json*, std::string>> stack{{&feed, ""}};
    while (!stack.empty()) {
        auto [node, pointer] = std::move(stack.back());
        stack.pop_back();
        if (node->is_string()) {
            check_string(pointer, node->get_ref<const std::string&>(), out);
        } else if (node->is_object()) {
            std::vector<std::pair<const nlohmann::ordered_json*, std::string>> children;
            for (auto it = node->begin(); it != node->end(); ++it) {
                std::string child = pointer;
                json_limited::append_pointer_token(child, it.key());
                children.emplace_back(&it.value(), std::move(child));
            }
            stack.insert(stack.end(), children.rbegin(), children.rend());
        } else if (node->is_array()) {
            for (std::size_t i = node->size(); i-- > 0;)
                stack.emplace_back(&(*node)[i], pointer + "/" + std::to_string(i));
        }
    }
    return out;
}

std::vector<UndrawableText> find_undrawable_text_in_bytes(std::string_view bytes) {
    constexpr int kDeepest = 16;  // the contract's nesting limit, as find_unknown_keys_in_bytes
    const nlohmann::ordered_json doc = nlohmann::ordered_json::parse(
        bytes.begin(), bytes.end(),
        [](int depth, nlohmann::ordered_json::parse_event_t, nlohmann::ordered_json&) { return depth <= kDeepest; },
        false);
    if (doc.is_discarded()) return {};
    return find_undrawable_text(doc);
}

}  // namespace campus::publish
