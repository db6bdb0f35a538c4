/* holdopen.exe PATH BYTES: a test-only stand-in for a scanner that keeps its file open while it
 * finishes the job. It creates PATH, writes BYTES bytes, prints "ready", then holds the file
 * open for writing (sharing it for reading only, as scanners and editors do) without changing
 * it, so its size and time settle although it is not complete, until a line comes on its
 * standard input; then it closes it and prints "closed". Used by scripts/wine-watch-test.sh.
 * Build with mingw-w64:
 *   x86_64-w64-mingw32-gcc -municode -O2 -o holdopen.exe holdopen.c
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

int wmain(int argc, wchar_t **argv) {
    if (argc != 3) {
        fwprintf(stderr, L"usage: holdopen.exe PATH BYTES\n");
        return 2;
    }
    long bytes = wcstol(argv[2], NULL, 10);
    HANDLE f = CreateFileW(argv[1], GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE) {
        fwprintf(stderr, L"holdopen: creating the file: error %lu\n", GetLastError());
        return 1;
    }
    char block[4096];
    for (int i = 0; i < (int)sizeof block; i++) block[i] = (char)(i * 7 + 3);
    for (long left = bytes; left > 0;) {
        DWORD n = left < (long)sizeof block ? (DWORD)left : (DWORD)sizeof block, wrote = 0;
        if (!WriteFile(f, block, n, &wrote, NULL) || wrote != n) {
            fwprintf(stderr, L"holdopen: writing: error %lu\n", GetLastError());
            return 1;
        }
        left -= n;
    }
    FlushFileBuffers(f);
    printf("ready\n");
    fflush(stdout);
    char line[16];
    fgets(line, sizeof line, stdin); /* the test says when: a line, or its end */
    CloseHandle(f);
    printf("closed\n");
    fflush(stdout);
    return 0;
}
