#include "kiosk/platform_xshm.hpp"

#include <sys/ipc.h>
#include <sys/shm.h>

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>

#include <cerrno>
#include <cstring>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <spdlog/spdlog.h>

// GLFW's native access, declared here as platform_glx.cpp does (glfw3native.h
// would pull in the Xrandr development headers for these two).
extern "C" {
Display* glfwGetX11Display(void);
Window glfwGetX11Window(GLFWwindow* window);
}

namespace campus::kiosk {
namespace {

// Xlib's default error handler ends the process. While the segment is
// attached (the one request a remote or a restricted server refuses), a
// handler of our own notes the refusal instead.
int g_x_errors = 0;
int note_x_error(Display*, XErrorEvent*) {
    ++g_x_errors;
    return 0;
}

class XShmSink final : public motion::PixelSink {
public:
    XShmSink(Display* display, Window window, Visual* visual, int depth)
        : display_(display), window_(window), visual_(visual), depth_(depth) {
        gc_ = XCreateGC(display_, window_, 0, nullptr);
    }
    ~XShmSink() override {
        release();
        if (gc_ != nullptr) XFreeGC(display_, gc_);
    }
    XShmSink(const XShmSink&) = delete;
    XShmSink& operator=(const XShmSink&) = delete;

    std::uint8_t* image(int width, int height, std::size_t& stride) override {
        if (width <= 0 || height <= 0 || gc_ == nullptr) return nullptr;
        if (image_ != nullptr && (image_->width != width || image_->height != height)) release();
        if (image_ == nullptr && !make(width, height)) return nullptr;
        if (in_flight_) {
            // The server reads the segment when it takes the request: it must
            // have taken the last one before the image is written again.
            XSync(display_, False);
            in_flight_ = false;
        }
        stride = static_cast<std::size_t>(image_->bytes_per_line);
        return reinterpret_cast<std::uint8_t*>(image_->data);
    }

    bool show(int x, int y) override {
        if (image_ == nullptr) return false;
        if (XShmPutImage(display_, window_, gc_, image_, 0, 0, x, y, static_cast<unsigned>(image_->width),
                         static_cast<unsigned>(image_->height), False) == 0)
            return false;
        XFlush(display_);
        in_flight_ = true;
        return true;
    }

    // The server writes the segment once (what the window shows there):
    // it has then taken in the segment's pages, which it otherwise does on
    // the first put, while a blend's step waits. Synchronous (a reply).
    void prepare(int x, int y) override {
        if (image_ == nullptr) return;
        if (in_flight_) {
            XSync(display_, False);
            in_flight_ = false;
        }
        XErrorHandler before = XSetErrorHandler(note_x_error);  // a refusal (window off screen) only costs the warm-up
        XShmGetImage(display_, window_, image_, x, y, AllPlanes);
        XSync(display_, False);
        XSetErrorHandler(before);
    }

    void release() override {
        if (image_ == nullptr) return;
        XSync(display_, False);
        XShmDetach(display_, &segment_);
        XSync(display_, False);
        image_->data = nullptr;  // the segment's memory, not Xlib's
        XDestroyImage(image_);
        image_ = nullptr;
        shmdt(segment_.shmaddr);
        segment_ = XShmSegmentInfo{};
        in_flight_ = false;
    }

private:
    bool make(int width, int height) {
        XImage* made = XShmCreateImage(display_, visual_, static_cast<unsigned>(depth_), ZPixmap, nullptr, &segment_,
                                       static_cast<unsigned>(width), static_cast<unsigned>(height));
        if (made == nullptr) return false;
        if (made->bits_per_pixel != 32 || made->byte_order != LSBFirst) {
            spdlog::info("present: the X image is {} bits a pixel, byte order {}; crossfades blended with GL",
                         made->bits_per_pixel, made->byte_order);
            XDestroyImage(made);
            return false;
        }
        const std::size_t bytes = static_cast<std::size_t>(made->bytes_per_line) * static_cast<std::size_t>(height);
        segment_.shmid = shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0600);
        if (segment_.shmid < 0) {
            spdlog::warn("present: no shared memory for the crossfade ({} MB): {}", bytes >> 20, std::strerror(errno));
            XDestroyImage(made);
            return false;
        }
        segment_.shmaddr = made->data = static_cast<char*>(shmat(segment_.shmid, nullptr, 0));
        segment_.readOnly = False;
        bool attached = segment_.shmaddr != reinterpret_cast<char*>(-1);
        if (attached) {
            XSync(display_, False);
            g_x_errors = 0;
            XErrorHandler before = XSetErrorHandler(note_x_error);
            attached = XShmAttach(display_, &segment_) != 0;
            XSync(display_, False);
            XSetErrorHandler(before);
            attached = attached && g_x_errors == 0;
        }
        // Marked for removal now: the segment goes when both sides detach, even if the kiosk is killed.
        shmctl(segment_.shmid, IPC_RMID, nullptr);
        if (!attached) {
            spdlog::warn("present: the X server cannot attach the crossfade's shared memory; blending with GL");
            if (segment_.shmaddr != reinterpret_cast<char*>(-1)) shmdt(segment_.shmaddr);
            made->data = nullptr;
            XDestroyImage(made);
            segment_ = XShmSegmentInfo{};
            return false;
        }
        image_ = made;
        return true;
    }

    Display* display_;
    Window window_;
    Visual* visual_;
    int depth_;
    GC gc_ = nullptr;
    XImage* image_ = nullptr;
    XShmSegmentInfo segment_{};
    bool in_flight_ = false;
};

}  // namespace

std::unique_ptr<motion::PixelSink> open_xshm_sink(GLFWwindow* window) {
    Display* display = glfwGetX11Display();
    const Window x_window = window != nullptr ? glfwGetX11Window(window) : 0;
    if (display == nullptr || x_window == 0) return nullptr;
    if (XShmQueryExtension(display) == False) {
        spdlog::info("present: the X server has no MIT-SHM; crossfades blended with GL");
        return nullptr;
    }
    XWindowAttributes attributes{};
    if (XGetWindowAttributes(display, x_window, &attributes) == 0 || attributes.visual == nullptr) return nullptr;
    const Visual* v = attributes.visual;
    if ((attributes.depth != 24 && attributes.depth != 32) || v->red_mask != 0xff0000 || v->green_mask != 0xff00 ||
        v->blue_mask != 0xff) {
        spdlog::info("present: the window's visual (depth {}) is not 8-bit B, G, R; crossfades blended with GL",
                     attributes.depth);
        return nullptr;
    }
    return std::make_unique<XShmSink>(display, x_window, attributes.visual, attributes.depth);
}

}  // namespace campus::kiosk
