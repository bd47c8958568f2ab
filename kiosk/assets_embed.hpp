// Files bundled into the kiosk binary at build time (kiosk/assets_embed.cmake),
// so an installed kiosk depends on no path.
#pragma once

#include <string_view>

namespace campus::kiosk::assets {

// assets/sample-feed.json: shown when no --feed is configured.
extern const std::string_view sample_feed;

}  // namespace campus::kiosk::assets
