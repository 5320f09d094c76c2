/* For the Wine smoke test only, never shipped: Wine 8 (Debian 12) lacks
 * bcryptprimitives.dll, whose ProcessPrng Rust's standard library and the
 * getrandom crate call on Windows 10 and later (where the DLL always exists).
 * This stand-in answers from BCryptGenRandom, which Wine has. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
