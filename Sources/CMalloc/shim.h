// glibc's malloc_trim, which Swift's Glibc module does not expose (vuorod gives freed memory back with it).
#include <malloc.h>
