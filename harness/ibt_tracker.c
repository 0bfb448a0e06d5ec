#include "ibt_tracker.h"

bool ibt_branch_is_tracked(const insn *in)
{
    switch (in->kind) {
    case INSN_CALL_INDIRECT:
    case INSN_JMP_INDIRECT:
        return !in->notrack;
    case INSN_CALL_FAR:
    case INSN_JMP_FAR:
        return true;
    default:
        return false;
    }
}

bool ibt_landing_ok(const uint8_t bytes[4])
{
    return bytes_are_endbr64(bytes) || bytes[0] == 0xcc;
}
