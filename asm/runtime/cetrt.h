/* cetrt.h - the corpus runtime (asm/runtime/*.asm) as seen from freestanding C cases.
 * sys_* return the raw kernel result (negative errno on failure). */
#ifndef CETRT_H
#define CETRT_H

typedef unsigned long size_t;

long sys_write(int fd, const void *buf, size_t len);
__attribute__((noreturn)) void sys_exit(int code);
__attribute__((noreturn)) void sys_exit_group(int code);
long sys_mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
long sys_mprotect(void *addr, size_t len, int prot);
long sys_munmap(void *addr, size_t len);
long sys_madvise(void *addr, size_t len, int advice);
long sys_getpid(void);
long sys_gettid(void);
long sys_kill(long pid, int sig);
long sys_tgkill(long tgid, long tid, int sig);
long sys_arch_prctl(int code, unsigned long arg);
long sys_map_shadow_stack(unsigned long addr, size_t size, unsigned int flags);
long sys_futex(int *uaddr, int op, int val, void *timeout);

typedef void (*rt_handler)(int sig, void *info, void *ucontext);
long rt_signal(int sig, rt_handler handler, unsigned long flags);
long raise_signal(int sig);

/* Runs fn(arg) on a new thread and returns when that thread has exited. */
long thread_create(int (*fn)(void *), void *arg, int *tidp);
void thread_join(int *tidp);

typedef unsigned long jmp_buf[9];
__attribute__((returns_twice)) int setjmp(jmp_buf env);
__attribute__((noreturn)) void longjmp(jmp_buf env, int val);

size_t strlen(const char *s);
long puts(const char *s);
long print_str(const char *s);
void print_u64(unsigned long n);
void print_hex(unsigned long n);
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

/* Without ENDBR64 / with only ENDBR32: indirect branches to these violate IBT. */
int rt_no_endbr(void);
int rt_endbr32(void);

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_PRIVATE 0x02
#define MAP_ANONYMOUS 0x20
#define SIGSEGV 11
#define SIGUSR1 10
#define SIGUSR2 12
#define SA_NODEFER 0x40000000UL

#endif
