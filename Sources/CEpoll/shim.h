// epoll for the load generator, which Swift's Glibc module does not expose.
#include <sys/epoll.h>
