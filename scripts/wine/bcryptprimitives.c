/* A stand-in for Windows' bcryptprimitives.dll, for test runs under Wine only: it is never
 * shipped. Go programs since Go 1.24 take their random bytes from ProcessPrng in that DLL,
 * which Windows 10 and 11 have and Wine gained only in version 9; Debian 12's Wine 8 lacks
 * it, and a Go program then stops before main. This one answers from RtlGenRandom
 * (SystemFunction036), Windows' older source of cryptographic random bytes. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
    if (!SystemFunction036(data, n)) return FALSE;
    data += n;
    len -= n;
  }
  return TRUE;
}
