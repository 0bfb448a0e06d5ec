#include "model/ibt_tracker.h"

bool ibt_branch_is_tracked(bool far, bool notrack)
{
    return far || !notrack;
}

bool ibt_landing_ok(const uint8_t bytes[4])
{
    static const uint8_t endbr64[4] = {0xf3, 0x0f, 0x1e, 0xfa};
    bool endbr = bytes[0] == endbr64[0] && bytes[1] == endbr64[1] && bytes[2] == endbr64[2] &&
                 bytes[3] == endbr64[3];
    return endbr || bytes[0] == 0xcc;
}
