// The emergency takeover (紧急通知) as the app drives it: every active
// emergency for the screen at once, newest first (ScreenState::emergencies).
// Besides the Page calls, the app asks how much each part of the takeover
// says, so that a long part stays long enough to be read
// (runner::emergency_part_seconds).
//
// Thread safety: main (render) thread only, like every page.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/page.hpp"

namespace campus::kiosk {

class EmergencyTakeover : public Page {
public:
    // The alerts it shows, newest first, as given to the factory.
    virtual const std::vector<std::string>& alert_ids() const = 0;
    // Characters part `index` puts before the reader (its alert's title and
    // that part of the body), as of the last page_count() or draw(); 0 for an
    // index it does not have.
    virtual std::size_t part_characters(int index) const = 0;
};

// `alert_ids`: ScreenState::emergencies' ids, newest first. Parts: each
// alert's body in turn (a long body over several parts), in that order;
// every part shows every alert's title and the count. 0 parts once none of
// them is active.
std::unique_ptr<EmergencyTakeover> make_emergency_takeover(std::vector<std::string> alert_ids);

}  // namespace campus::kiosk
