/* virtualfiles.exe: a test-only Windows program (never shipped) that offers files the way
 * Outlook offers attachments and Explorer offers copied files, for scripts/wine-paste-test.sh.
 *
 *   virtualfiles.exe clip virtual SRC...  the clipboard holds virtual files: FileGroupDescriptorW
 *                                         names each SRC by its base name, FileContents gives its
 *                                         bytes (read now, from memory: the reader never sees SRC),
 *                                         the first as an IStream, the others as HGLOBAL
 *   virtualfiles.exe clip files PATH...   the clipboard holds CF_HDROP naming the files PATH
 *   virtualfiles.exe clip png FILE         the clipboard holds a picture, FILE's bytes as "PNG"
 *                                         (the format browsers and the Snipping Tool offer)
 *   virtualfiles.exe clip dib24 FILE.ppm  the clipboard holds a screenshot as PrintScreen and the
 *   virtualfiles.exe clip dib32 FILE.ppm  Snipping Tool put one: not an OLE data object but
 *   virtualfiles.exe clip dibv5 FILE.ppm  OpenClipboard, EmptyClipboard, SetClipboardData(CF_DIB)
 *                                         (Windows, and Wine, make CF_DIBV5 and CF_BITMAP from it).
 *                                         The pixels are FILE's (a binary PPM, P6, 8 bits), as a
 *                                         bottom-up DIB: dib24 of 24 bits, rows padded to 4 bytes;
 *                                         dib32 of 32 bits, BI_BITFIELDS with the three masks after
 *                                         the BITMAPINFOHEADER, fourth bytes 0; dibv5 of 32 bits, a
 *                                         BITMAPV5HEADER with an alpha mask, alpha 255, put as
 *                                         CF_DIBV5 alone (the system makes CF_DIB from it)
 *   virtualfiles.exe drag virtual SRC...  the same data object, dragged with DoDragDrop once the
 *                                         left mouse button goes down (the script drives the mouse)
 *
 * It prints "ready" once the data object is on the clipboard (or the drag can start), then keeps
 * running as its owner, answering GetData from other programs, for up to 120 s. A drag prints
 * "dragging" as it starts and the drop's result when it ends ("drop: effect N, hr 0xX").
 *
 * Build: x86_64-w64-mingw32-gcc -municode -O2 -o virtualfiles.exe virtualfiles.c -lole32 -luuid -lshell32
 */
#define COBJMACROS
#include <windows.h>
#include <ole2.h>
#include <shlobj.h>
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <wchar.h>

#define MAXFILES 8

static struct item { WCHAR name[MAX_PATH]; BYTE *data; DWORD size; } items[MAXFILES];
static int nitems;
static enum { OFFER_HDROP, OFFER_VIRTUAL, OFFER_PNG, OFFER_DIB } mode;
static WCHAR *paths[MAXFILES];        /* CF_HDROP: the full paths */
static CLIPFORMAT cf_descriptor, cf_contents, cf_png;

/* A FORMATETC for format cf carried as tymed. */
static FORMATETC fmt(CLIPFORMAT cf, DWORD tymed) {
  FORMATETC f = {cf, NULL, DVASPECT_CONTENT, -1, tymed};
  return f;
}

/* The formats offered, best first. */
static int offered(FORMATETC *out) {
  if (mode == OFFER_HDROP) { out[0] = fmt(CF_HDROP, TYMED_HGLOBAL); return 1; }
  if (mode == OFFER_PNG) { out[0] = fmt(cf_png, TYMED_HGLOBAL); return 1; }
  out[0] = fmt(cf_descriptor, TYMED_HGLOBAL);
  out[1] = fmt(cf_contents, TYMED_ISTREAM | TYMED_HGLOBAL);
  return 2;
}

static HGLOBAL global_copy(const void *p, SIZE_T n) {
  HGLOBAL h = GlobalAlloc(GMEM_MOVEABLE | GMEM_ZEROINIT, n ? n : 1);
  if (h && n) { memcpy(GlobalLock(h), p, n); GlobalUnlock(h); }
  return h;
}

static HGLOBAL descriptor(void) {
  SIZE_T n = sizeof(FILEGROUPDESCRIPTORW) + (nitems - 1) * sizeof(FILEDESCRIPTORW);
  HGLOBAL h = GlobalAlloc(GMEM_MOVEABLE | GMEM_ZEROINIT, n);
  FILEGROUPDESCRIPTORW *g = GlobalLock(h);
  g->cItems = nitems;
  for (int i = 0; i < nitems; i++) {
    g->fgd[i].dwFlags = FD_FILESIZE | FD_ATTRIBUTES | FD_UNICODE;
    g->fgd[i].dwFileAttributes = FILE_ATTRIBUTE_NORMAL;
    g->fgd[i].nFileSizeLow = items[i].size;
    wcscpy(g->fgd[i].cFileName, items[i].name);
  }
  GlobalUnlock(h);
  return h;
}

static HGLOBAL hdrop(void) {
  SIZE_T chars = 1;
  for (int i = 0; i < nitems; i++) chars += wcslen(paths[i]) + 1;
  HGLOBAL h = GlobalAlloc(GMEM_MOVEABLE | GMEM_ZEROINIT, sizeof(DROPFILES) + chars * sizeof(WCHAR));
  DROPFILES *d = GlobalLock(h);
  d->pFiles = sizeof(DROPFILES);
  d->fWide = TRUE;
  WCHAR *p = (WCHAR *)(d + 1);
  for (int i = 0; i < nitems; i++) { wcscpy(p, paths[i]); p += wcslen(paths[i]) + 1; }
  GlobalUnlock(h);
  return h;
}

/* ---- IDataObject ---------------------------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE QueryInterface(IDataObject *This, REFIID riid, void **out) {
  if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDataObject)) { *out = This; return S_OK; }
  *out = NULL;
  return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE AddRef(IDataObject *This) { return 2; }  /* a static object */
static ULONG STDMETHODCALLTYPE Release(IDataObject *This) { return 1; }

static HRESULT STDMETHODCALLTYPE QueryGetData(IDataObject *This, FORMATETC *f) {
  FORMATETC o[2];
  int n = offered(o);
  for (int i = 0; i < n; i++)
    if (f->cfFormat == o[i].cfFormat) return (f->tymed & o[i].tymed) ? S_OK : DV_E_TYMED;
  return DV_E_FORMATETC;
}

static HRESULT STDMETHODCALLTYPE GetData(IDataObject *This, FORMATETC *f, STGMEDIUM *m) {
  HRESULT hr = QueryGetData(This, f);
  if (hr != S_OK) return hr;
  memset(m, 0, sizeof *m);
  if (f->cfFormat == CF_HDROP) { m->tymed = TYMED_HGLOBAL; m->hGlobal = hdrop(); return S_OK; }
  if (f->cfFormat == cf_png) { m->tymed = TYMED_HGLOBAL; m->hGlobal = global_copy(items[0].data, items[0].size); return S_OK; }
  if (f->cfFormat == cf_descriptor) { m->tymed = TYMED_HGLOBAL; m->hGlobal = descriptor(); return S_OK; }
  if (f->lindex < 0 || f->lindex >= nitems) return DV_E_LINDEX;
  struct item *it = &items[f->lindex];
  HGLOBAL h = global_copy(it->data, it->size);
  /* The first file as an IStream (as Outlook gives attachments), the others as HGLOBAL. */
  if ((f->tymed & TYMED_ISTREAM) && (f->lindex == 0 || !(f->tymed & TYMED_HGLOBAL))) {
    m->tymed = TYMED_ISTREAM;
    return CreateStreamOnHGlobal(h, TRUE, &m->pstm);
  }
  m->tymed = TYMED_HGLOBAL;
  m->hGlobal = h;
  return S_OK;
}

static HRESULT STDMETHODCALLTYPE GetDataHere(IDataObject *This, FORMATETC *f, STGMEDIUM *m) { return E_NOTIMPL; }
static HRESULT STDMETHODCALLTYPE GetCanonicalFormatEtc(IDataObject *This, FORMATETC *in, FORMATETC *out) {
  out->ptd = NULL;
  return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE SetData(IDataObject *This, FORMATETC *f, STGMEDIUM *m, BOOL release) { return E_NOTIMPL; }
static HRESULT STDMETHODCALLTYPE EnumFormatEtc(IDataObject *This, DWORD dir, IEnumFORMATETC **out) {
  FORMATETC o[2];
  int n = offered(o);
  if (dir != DATADIR_GET) return E_NOTIMPL;
  return SHCreateStdEnumFmtEtc(n, o, out);
}
static HRESULT STDMETHODCALLTYPE DAdvise(IDataObject *This, FORMATETC *f, DWORD a, IAdviseSink *s, DWORD *c) { return OLE_E_ADVISENOTSUPPORTED; }
static HRESULT STDMETHODCALLTYPE DUnadvise(IDataObject *This, DWORD c) { return OLE_E_ADVISENOTSUPPORTED; }
static HRESULT STDMETHODCALLTYPE EnumDAdvise(IDataObject *This, IEnumSTATDATA **e) { return OLE_E_ADVISENOTSUPPORTED; }

static IDataObjectVtbl data_vtbl = {QueryInterface, AddRef, Release, GetData, GetDataHere, QueryGetData,
                                    GetCanonicalFormatEtc, SetData, EnumFormatEtc, DAdvise, DUnadvise, EnumDAdvise};
static IDataObject data_object = {&data_vtbl};

/* ---- IDropSource (drag mode) ------------------------------------------------------------ */

static HRESULT STDMETHODCALLTYPE ds_QueryInterface(IDropSource *This, REFIID riid, void **out) {
  if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDropSource)) { *out = This; return S_OK; }
  *out = NULL;
  return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE ds_AddRef(IDropSource *This) { return 2; }
static ULONG STDMETHODCALLTYPE ds_Release(IDropSource *This) { return 1; }
static HRESULT STDMETHODCALLTYPE ds_QueryContinueDrag(IDropSource *This, BOOL escape, DWORD keys) {
  if (escape) return DRAGDROP_S_CANCEL;
  return (keys & MK_LBUTTON) ? S_OK : DRAGDROP_S_DROP;
}
static HRESULT STDMETHODCALLTYPE ds_GiveFeedback(IDropSource *This, DWORD effect) { return DRAGDROP_S_USEDEFAULTCURSORS; }
static IDropSourceVtbl source_vtbl = {ds_QueryInterface, ds_AddRef, ds_Release, ds_QueryContinueDrag, ds_GiveFeedback};
static IDropSource drop_source = {&source_vtbl};

/* ---- CF_DIB, as a screenshot tool puts it ----------------------------------------------- */

/* ppm_token reads the next number of a PPM header at *p (skipping blanks and # comments). */
static int ppm_token(const BYTE **p, const BYTE *end, int *out) {
  while (*p < end && (isspace(**p) || **p == '#')) {
    if (**p == '#') while (*p < end && **p != '\n') (*p)++;
    else (*p)++;
  }
  if (*p >= end || !isdigit(**p)) return 0;
  for (*out = 0; *p < end && isdigit(**p); (*p)++) *out = *out * 10 + (**p - '0');
  return 1;
}

/* The DIBs the helper makes, as programs put screenshots and pictures on the clipboard. */
static const struct dibkind {
  const WCHAR *name;
  int bits, v5; /* v5: a BITMAPV5HEADER with an alpha mask, put as CF_DIBV5 alone */
} dibkinds[] = {{L"dib24", 24, 0}, {L"dib32", 32, 0}, {L"dibv5", 32, 1}};
static const struct dibkind *dibkind; /* the one asked for, or NULL */

/* dib makes a bottom-up DIB of kind k from the PPM in it, or returns NULL. */
static HGLOBAL dib(const struct item *it, const struct dibkind *k) {
  const BYTE *p = it->data, *end = it->data + it->size;
  int width, height, maxval;
  if (it->size < 2 || p[0] != 'P' || p[1] != '6') return NULL;
  p += 2;
  if (!ppm_token(&p, end, &width) || !ppm_token(&p, end, &height) || !ppm_token(&p, end, &maxval) ||
      maxval != 255 || p >= end || width <= 0 || height <= 0)
    return NULL;
  p++; /* the one blank after maxval */
  if (end - p < (ptrdiff_t)width * height * 3) return NULL;
  DWORD stride = ((DWORD)width * k->bits + 31) / 32 * 4;
  DWORD header = k->v5 ? sizeof(BITMAPV5HEADER) : sizeof(BITMAPINFOHEADER);
  DWORD masks = k->bits == 32 && !k->v5 ? 3 * sizeof(DWORD) : 0; /* after a plain header */
  HGLOBAL h = GlobalAlloc(GMEM_MOVEABLE | GMEM_ZEROINIT, header + masks + stride * height);
  BYTE *base = GlobalLock(h);
  BITMAPV5HEADER *bh = (BITMAPV5HEADER *)base; /* its first 40 bytes are a BITMAPINFOHEADER */
  bh->bV5Size = header;
  bh->bV5Width = width;
  bh->bV5Height = height; /* positive: bottom-up, the last row first */
  bh->bV5Planes = 1;
  bh->bV5BitCount = k->bits;
  bh->bV5Compression = k->bits == 32 ? BI_BITFIELDS : BI_RGB;
  bh->bV5SizeImage = stride * height;
  if (k->v5) {
    bh->bV5RedMask = 0xFF0000; bh->bV5GreenMask = 0xFF00; bh->bV5BlueMask = 0xFF; bh->bV5AlphaMask = 0xFF000000;
    bh->bV5CSType = 0x73524742; /* LCS_sRGB, 'sRGB' */
    bh->bV5Intent = LCS_GM_IMAGES;
  } else if (masks) {
    DWORD *mask = (DWORD *)(base + header);
    mask[0] = 0xFF0000; mask[1] = 0xFF00; mask[2] = 0xFF;
  }
  BYTE *pixels = base + header + masks;
  for (int y = 0; y < height; y++) {
    const BYTE *src = p + (size_t)y * width * 3;
    BYTE *row = pixels + (size_t)(height - 1 - y) * stride;
    for (int x = 0; x < width; x++) {
      BYTE *o = row + x * (k->bits / 8);
      o[0] = src[3 * x + 2]; /* blue, green, red */
      o[1] = src[3 * x + 1];
      o[2] = src[3 * x];
      if (k->v5) o[3] = 255; /* opaque; a plain 32-bit DIB leaves the fourth byte 0, as GDI does */
    }
  }
  GlobalUnlock(h);
  return h;
}

/* set_dib puts the picture on the clipboard as CF_DIB (CF_DIBV5 for dibv5), owned by a hidden
 * window of this program (EmptyClipboard with no window would leave SetClipboardData failing). */
static int set_dib(void) {
  HGLOBAL h = dib(&items[0], dibkind);
  if (!h) { fputs("virtualfiles: the picture is not a binary PPM of 8 bits\n", stderr); return 0; }
  HWND owner = CreateWindowExW(0, L"STATIC", L"virtualfiles", 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL);
  if (!OpenClipboard(owner)) { fprintf(stderr, "virtualfiles: OpenClipboard: %lu\n", GetLastError()); return 0; }
  EmptyClipboard();
  UINT format = dibkind->v5 ? CF_DIBV5 : CF_DIB;
  if (!SetClipboardData(format, h)) {
    fprintf(stderr, "virtualfiles: SetClipboardData(%u): %lu\n", format, GetLastError());
    CloseClipboard();
    return 0;
  }
  CloseClipboard();
  return 1;
}

/* ---- main --------------------------------------------------------------------------------- */

static int load(const WCHAR *src, struct item *it) {
  HANDLE f = CreateFileW(src, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
  if (f == INVALID_HANDLE_VALUE) { fwprintf(stderr, L"virtualfiles: cannot open %ls\n", src); return 0; }
  it->size = GetFileSize(f, NULL);
  it->data = HeapAlloc(GetProcessHeap(), 0, it->size ? it->size : 1);
  DWORD got = 0;
  BOOL ok = ReadFile(f, it->data, it->size, &got, NULL) && got == it->size;
  CloseHandle(f);
  const WCHAR *base = wcsrchr(src, L'\\');
  const WCHAR *slash = wcsrchr(src, L'/');
  if (!base || (slash && slash > base)) base = slash;
  wcsncpy(it->name, base ? base + 1 : src, MAX_PATH - 1);
  return ok;
}

int wmain(int argc, WCHAR **argv) {
  if (argc < 4 || (wcscmp(argv[1], L"clip") && wcscmp(argv[1], L"drag")) ||
      (wcscmp(argv[2], L"virtual") && wcscmp(argv[2], L"files") && wcscmp(argv[2], L"png") &&
       wcsncmp(argv[2], L"dib", 3)) || argc - 3 > MAXFILES) {
    fputs("usage: virtualfiles.exe clip|drag virtual|files|png|dib24|dib32|dibv5 PATH...\n", stderr);
    return 2;
  }
  HRESULT hr = OleInitialize(NULL);
  if (FAILED(hr)) { fprintf(stderr, "virtualfiles: OleInitialize: 0x%lx\n", hr); return 1; }
  cf_descriptor = RegisterClipboardFormatW(CFSTR_FILEDESCRIPTORW);
  cf_contents = RegisterClipboardFormatW(CFSTR_FILECONTENTS);
  cf_png = RegisterClipboardFormatW(L"PNG");
  mode = !wcscmp(argv[2], L"virtual") ? OFFER_VIRTUAL : !wcscmp(argv[2], L"png") ? OFFER_PNG
       : !wcsncmp(argv[2], L"dib", 3) ? OFFER_DIB : OFFER_HDROP;
  for (size_t i = 0; i < sizeof dibkinds / sizeof dibkinds[0]; i++)
    if (!wcscmp(argv[2], dibkinds[i].name)) dibkind = &dibkinds[i];
  if (mode == OFFER_DIB && !dibkind) { fputs("virtualfiles: dib24, dib32 or dibv5\n", stderr); return 2; }
  nitems = argc - 3;
  for (int i = 0; i < nitems; i++) {
    paths[i] = argv[i + 3];
    if (mode != OFFER_HDROP && !load(argv[i + 3], &items[i])) return 1;
  }

  if (!wcscmp(argv[1], L"drag")) {
    if (mode == OFFER_DIB) { fputs("virtualfiles: a DIB is put on the clipboard, not dragged\n", stderr); return 2; }
    puts("ready");
    fflush(stdout);
    for (int i = 0; i < 6000 && !(GetAsyncKeyState(VK_LBUTTON) & 0x8000); i++) Sleep(20);
    puts("dragging");
    fflush(stdout);
    DWORD effect = 0;
    hr = DoDragDrop(&data_object, &drop_source, DROPEFFECT_COPY, &effect);
    printf("drop: effect %lu, hr 0x%lx\n", effect, hr);
    fflush(stdout);
    OleUninitialize();
    return hr == DRAGDROP_S_DROP && effect == DROPEFFECT_COPY ? 0 : 1;
  }

  if (mode == OFFER_DIB) {
    if (!set_dib()) return 1;
  } else {
    hr = OleSetClipboard(&data_object);
    if (FAILED(hr)) { fprintf(stderr, "virtualfiles: OleSetClipboard: 0x%lx\n", hr); return 1; }
  }
  puts("ready");
  fflush(stdout);
  /* Stay the clipboard's owner: FileContents is asked for per file, by other programs, later. */
  DWORD end = GetTickCount() + 120000;
  while (GetTickCount() < end) {
    MsgWaitForMultipleObjects(0, NULL, FALSE, 100, QS_ALLINPUT);
    MSG msg;
    while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE)) { TranslateMessage(&msg); DispatchMessageW(&msg); }
  }
  if (mode != OFFER_DIB) OleSetClipboard(NULL);
  OleUninitialize();
  return 0;
}
