/* frame_probe: an LD_PRELOAD shim that times the kiosk's frames from outside.
 *
 * Why a shim and not a hook in kiosk/app.cpp: the benchmark must measure the
 * program as shipped, and must not depend on the loop's code staying put. The
 * kiosk's loop (kiosk/app.cpp, kiosk/platform_glfw.cpp) is, per iteration:
 *
 *     glfwWaitEventsTimeout / glfwPollEvents   -- sleeps until something is due
 *     ... apply a new font atlas, compose the ImGui frame, draw ...
 *     glfwSwapBuffers                          -- only when a frame is drawn
 *
 * libglfw is a shared library (Debian's libglfw3), so a preloaded definition
 * of those three functions wins the symbol lookup; each forwards to the real
 * one (dlsym RTLD_NEXT) and records CLOCK_MONOTONIC, the clock of
 * std::chrono::steady_clock. A frame's cost is then "wake-up to buffers
 * swapped": all the work the display does for that frame (atlas swap and
 * texture upload included). Under Mesa llvmpipe glXSwapBuffers returns after
 * the frame is rasterised and handed to the X server, so the end of the swap
 * is the frame presented.
 *
 * The page cache presents without a swap where the driver keeps the back
 * buffer (kiosk/platform_glx.cpp: glXCopySubBufferMESA, one call per damaged
 * rectangle, looked up through glfwGetProcAddress). The shim hands out its
 * own wrapper for that name too, and a loop turn that copied regions counts
 * as one frame, ending with its last copy; it is written when the loop next
 * goes to sleep (the turn's last copy is known only then).
 *
 * A crossfade blended on the CPU goes up through MIT-SHM
 * (kiosk/platform_xshm.cpp: XShmPutImage from Debian's libXext, also a shared
 * library); a turn that put an image counts as one frame the same way.
 *
 * Every loop turn is also written as a `turn` line when the loop goes back to
 * sleep, whether it presented or not: a turn that only draws offscreen (a
 * page into the page cache) presents nothing, yet it holds up whatever moves
 * on screen for as long as it runs.
 *
 * Output, to the file named by KIOSK_PROBE_LOG (one write() per line, so a
 * reader sees whole lines):
 *     t0 <ns>                       KIOSK_PROBE_T0, the launcher's clock just before exec
 *     frame <end_ns> <work_ns> <cpu_ns> <how>
 *                                   one per frame presented (a swap, or a turn's
 *                                   region copies or shared-memory puts); work_ns
 *                                   = -1 for the first frame (it has no wake-up
 *                                   before it); cpu_ns: the process's CPU time
 *                                   over the same span (every thread: llvmpipe
 *                                   rasterises on its own); how: swap, copy or shm
 *     turn <end_ns> <work_ns> <cpu_ns> <presented>
 *                                   one per loop turn, wake-up to going back to
 *                                   sleep; presented: 1 when it presented a frame
 * Without KIOSK_PROBE_LOG the shim only forwards.
 *
 * Built by bench/run and bench/soak at run time (cc -shared -fPIC), not by CMake:
 * it is a measuring tool, never linked into anything.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct GLFWwindow GLFWwindow;

static int log_fd = -1;
static long long last_wake_ns = -1, last_wake_cpu_ns = -1;
static long long copied_end_ns = -1, copied_cpu_ns = -1;  /* this turn's last region copy or put */
static const char* copied_how = "copy";
static int turn_presented = 0;

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void write_line(const char* line) {
    if (log_fd < 0) return;
    size_t len = strlen(line);
    /* Short writes to a regular file opened O_APPEND do not happen in practice;
       a failed write loses one line, which the reader notices as a missing frame. */
    if (write(log_fd, line, len) < 0) {
        /* nothing sensible to do inside the measured program */
    }
}

__attribute__((constructor)) static void probe_open(void) {
    const char* path = getenv("KIOSK_PROBE_LOG");
    if (!path || !*path) return;
    log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) {
        fprintf(stderr, "frame_probe: cannot open KIOSK_PROBE_LOG=%s\n", path);
        return;
    }
    const char* t0 = getenv("KIOSK_PROBE_T0");
    char line[96];
    snprintf(line, sizeof line, "t0 %s\n", t0 && *t0 ? t0 : "-1");
    write_line(line);
}

static void* real(const char* name) {
    void* f = dlsym(RTLD_NEXT, name);
    if (!f) {
        fprintf(stderr, "frame_probe: %s not found in the next library\n", name);
        abort();
    }
    return f;
}

static void write_frame(long long end, long long end_cpu, const char* how) {
    char line[128];
    snprintf(line, sizeof line, "frame %lld %lld %lld %s\n", end, last_wake_ns < 0 ? -1LL : end - last_wake_ns,
             last_wake_cpu_ns < 0 ? -1LL : end_cpu - last_wake_cpu_ns, how);
    write_line(line);
}

/* The loop goes to sleep: a turn that copied regions presented one frame;
   every turn is written as one. */
static void before_sleep(void) {
    if (copied_end_ns >= 0) {
        write_frame(copied_end_ns, copied_cpu_ns, copied_how);
        copied_end_ns = copied_cpu_ns = -1;
        turn_presented = 1;
    }
    if (last_wake_ns >= 0) {
        char line[128];
        long long end = now_ns(), end_cpu = cpu_ns();
        snprintf(line, sizeof line, "turn %lld %lld %lld %d\n", end, end - last_wake_ns, end_cpu - last_wake_cpu_ns,
                 turn_presented);
        write_line(line);
    }
    turn_presented = 0;
}

static void woke(void) {
    last_wake_ns = now_ns();
    last_wake_cpu_ns = cpu_ns();
}

void glfwWaitEventsTimeout(double timeout) {
    static void (*fn)(double) = NULL;
    if (!fn) fn = (void (*)(double))real("glfwWaitEventsTimeout");
    before_sleep();
    fn(timeout);
    woke();
}

void glfwPollEvents(void) {
    static void (*fn)(void) = NULL;
    if (!fn) fn = (void (*)(void))real("glfwPollEvents");
    before_sleep();
    fn();
    woke();
}

void glfwWaitEvents(void) {
    static void (*fn)(void) = NULL;
    if (!fn) fn = (void (*)(void))real("glfwWaitEvents");
    before_sleep();
    fn();
    woke();
}

void glfwSwapBuffers(GLFWwindow* window) {
    static void (*fn)(GLFWwindow*) = NULL;
    if (!fn) fn = (void (*)(GLFWwindow*))real("glfwSwapBuffers");
    fn(window);
    write_frame(now_ns(), cpu_ns(), "swap");
    turn_presented = 1;
}

/* XShmPutImage(Display*, Drawable, GC, XImage*, src_x, src_y, dst_x, dst_y, width, height, send_event). */
typedef int (*ShmPutImage)(void*, unsigned long, void*, void*, int, int, int, int, unsigned, unsigned, int);
int XShmPutImage(void* display, unsigned long drawable, void* gc, void* image, int src_x, int src_y, int dst_x,
                 int dst_y, unsigned width, unsigned height, int send_event) {
    static ShmPutImage fn = NULL;
    if (!fn) fn = (ShmPutImage)real("XShmPutImage");
    int ok = fn(display, drawable, gc, image, src_x, src_y, dst_x, dst_y, width, height, send_event);
    copied_end_ns = now_ns();
    copied_cpu_ns = cpu_ns();
    copied_how = "shm";
    return ok;
}

/* glXCopySubBufferMESA(Display*, GLXDrawable, x, y, w, h), reached through glfwGetProcAddress. */
typedef void (*CopySubBuffer)(void*, unsigned long, int, int, int, int);
static CopySubBuffer real_copy = NULL;

static void probe_copy_sub_buffer(void* display, unsigned long drawable, int x, int y, int w, int h) {
    real_copy(display, drawable, x, y, w, h);
    copied_end_ns = now_ns();
    copied_cpu_ns = cpu_ns();
    copied_how = "copy";
}

typedef void (*GLFWglproc)(void);
GLFWglproc glfwGetProcAddress(const char* name) {
    static GLFWglproc (*fn)(const char*) = NULL;
    if (!fn) fn = (GLFWglproc(*)(const char*))real("glfwGetProcAddress");
    GLFWglproc proc = fn(name);
    if (proc != NULL && name != NULL && strcmp(name, "glXCopySubBufferMESA") == 0) {
        real_copy = (CopySubBuffer)proc;
        return (GLFWglproc)probe_copy_sub_buffer;
    }
    return proc;
}
