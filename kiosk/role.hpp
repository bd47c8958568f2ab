// Where a screen hangs (shared/domain.md, "Where the screens hang"): the role
// decides the rotation, the type sizes' reading distance and whether motion is
// allowed. Its own header because the options, the rotation and the pages all
// name it, and the options have no business including the pages' interface.
// Its names on the command line and in the config: kiosk/options.hpp's
// parse_role and role_name.
//
// Thread safety: a plain value.
#pragma once

namespace campus::kiosk {

enum class Role { lobby, corridor, classroom, assembly };

}  // namespace campus::kiosk
