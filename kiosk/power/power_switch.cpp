// The display's switches, off the render loop (see kiosk/power/power_switch.hpp).
//
// [SECTION] child processes (run_command)
// [SECTION] cec
// [SECTION] dpms
// [SECTION] the worker
#include "kiosk/power/power_switch.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <X11/Xlib.h>
#include <X11/extensions/dpms.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

extern char** environ;

namespace campus::kiosk::power {

namespace {

using SteadyClock = std::chrono::steady_clock;

// The last line a failing program wrote, for the error: cec-client and
// scripts say why on their last line.
std::string last_line(std::string output) {
    while (!output.empty() && (output.back() == '\n' || output.back() == '\r' || output.back() == ' '))
        output.pop_back();
    const auto newline = output.find_last_of('\n');
    std::string line = newline == std::string::npos ? output : output.substr(newline + 1);
    if (line.size() > 200) line = line.substr(0, 200) + "…";
    return line;
}

struct Fd {
    int fd = -1;
    ~Fd() { reset(); }
    void reset() {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
};

bool executable_in_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::string_view rest = path != nullptr ? path : "/usr/bin:/bin";
    while (true) {
        const auto colon = rest.find(':');
        std::string dir(rest.substr(0, colon));
        if (dir.empty()) dir.push_back('.');  // an empty PATH entry is the current directory
        dir += '/';  // appended, not `dir + "/" + program`: GCC 12's -Wrestrict false positive (bug 105329)
        dir += program;
        if (::access(dir.c_str(), X_OK) == 0) return true;
        if (colon == std::string_view::npos) return false;
        rest = rest.substr(colon + 1);
    }
}

}  // namespace

// [SECTION] child processes (run_command) ------------------------------------------

std::string run_command(std::string_view what, const std::vector<std::string>& argv, std::string_view input,
                        std::chrono::milliseconds timeout, const std::atomic<bool>& cancel) {
    const std::string name = std::string(what) + (argv.empty() ? std::string() : " " + argv.front());
    if (argv.empty() || argv.front().empty()) return std::string(what) + ": no program to run";
    int out_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) return name + ": cannot make a pipe: " + std::strerror(errno);
    Fd out_read{out_pipe[0]}, out_write{out_pipe[1]};
    Fd in_read, in_write;
    if (!input.empty()) {
        int in_pipe[2];
        if (::pipe2(in_pipe, O_CLOEXEC) != 0) return name + ": cannot make a pipe: " + std::strerror(errno);
        in_read.fd = in_pipe[0];
        in_write.fd = in_pipe[1];
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (in_read.fd >= 0)
        posix_spawn_file_actions_adddup2(&actions, in_read.fd, 0);
    else
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_write.fd, 1);
    posix_spawn_file_actions_adddup2(&actions, out_write.fd, 2);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);  // nothing of the kiosk's: X, curl, the cache

    // The kiosk blocks SIGINT/SIGTERM/SIGHUP in every thread (app.cpp's
    // StopSignals) and a child inherits the mask: it gets the default one.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD}) sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int spawned = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    out_write.reset();
    in_read.reset();
    if (spawned != 0) return name + ": cannot run it: " + std::strerror(spawned);

    if (in_write.fd >= 0) {
        // A few bytes (cec-client's command): far below a pipe's buffer, so
        // this never waits; a child that exited already gives EPIPE, and the
        // worker blocks SIGPIPE (see PowerSwitch::run).
        std::size_t done = 0;
        while (done < input.size()) {
            const ssize_t n = ::write(in_write.fd, input.data() + done, input.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        in_write.reset();
    }

    ::fcntl(out_read.fd, F_SETFL, O_NONBLOCK);
    std::string output;
    const auto read_some = [&] {
        char buffer[1024];
        for (;;) {
            const ssize_t n = ::read(out_read.fd, buffer, sizeof buffer);
            if (n <= 0) return n == 0;  // true at the end of the output
            output.append(buffer, static_cast<std::size_t>(n));
            if (output.size() > 8192) output.erase(0, output.size() - 4096);  // the end says why
        }
    };
    const auto deadline = SteadyClock::now() + timeout;
    int status = 0;
    bool eof = false;
    for (;;) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) return name + ": cannot wait for it: " + std::strerror(errno);
        const bool cancelled = cancel.load();
        if (cancelled || SteadyClock::now() >= deadline) {
            ::kill(-pid, SIGKILL);  // its process group: whatever it started too
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            if (cancelled) return name + ": stopped with the kiosk";
            std::ostringstream seconds;
            seconds << std::chrono::duration<double>(timeout).count();
            return name + ": did not finish within " + seconds.str() + " s (power.timeout_seconds); killed";
        }
        pollfd p{out_read.fd, POLLIN, 0};
        if (!eof) {
            ::poll(&p, 1, 20);
            eof = read_some();
        } else {
            ::usleep(20'000);  // the output closed, the process not yet gone
        }
    }
    read_some();  // what is left; a background grandchild holding the pipe is not waited for
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
    std::string why = WIFEXITED(status) ? "exited with " + std::to_string(WEXITSTATUS(status))
                                        : "was killed by signal " + std::to_string(WTERMSIG(status));
    if (const std::string line = last_line(output); !line.empty()) why += ": " + line;
    return name + ": " + why;
}

// [SECTION] cec ----------------------------------------------------------------------

std::optional<CecCommand> cec_command(Switch which) {
    const bool on = which == Switch::on;
    // Logical address 0 is the TV. --playback claims a playback device's
    // address first (a fresh adapter has none and could not send).
    if (executable_in_path("cec-ctl"))
        return CecCommand{{"cec-ctl", "--playback", "--to", "0", on ? "--image-view-on" : "--standby"}, ""};
    // -s: one command from stdin, then exit; -d 1: errors only.
    if (executable_in_path("cec-client"))
        return CecCommand{{"cec-client", "-s", "-d", "1"}, on ? "on 0\n" : "standby 0\n"};
    return std::nullopt;
}

// [SECTION] dpms ----------------------------------------------------------------------

namespace {

// Xlib reports a protocol error through one process-wide handler, whose
// default exits the process: ours is set around the worker's few requests and
// records the error of its own connection (GLFW's are passed on).
std::atomic<Display*> g_dpms_display{nullptr};
std::atomic<int> g_dpms_error{0};
std::atomic<XErrorHandler> g_previous_handler{nullptr};  // GLFW's errors may arrive on the main thread meanwhile

int record_dpms_error(Display* display, XErrorEvent* event) {
    if (display == g_dpms_display.load()) {
        g_dpms_error = event->error_code;
        return 0;
    }
    const XErrorHandler previous = g_previous_handler.load();
    return previous != nullptr ? previous(display, event) : 0;
}

}  // namespace

std::string PowerSwitch::dpms(bool on) {
    auto* display = static_cast<Display*>(display_);
    if (display == nullptr) {
        const char* name = std::getenv("DISPLAY");
        display = XOpenDisplay(nullptr);
        if (display == nullptr)
            return std::string("dpms: cannot open the X display ") + (name != nullptr ? name : "(DISPLAY is not set)");
        display_ = display;
    }
    int event_base = 0, error_base = 0;
    if (!DPMSQueryExtension(display, &event_base, &error_base))
        return "dpms: the X server has no DPMS extension (Xvfb has none; Xorg has)";
    if (!DPMSCapable(display)) return "dpms: the X server's screen cannot switch the monitor (not DPMS capable)";
    g_dpms_display = display;
    g_dpms_error = 0;
    g_previous_handler = XSetErrorHandler(record_dpms_error);
    // ForceLevel needs DPMS enabled; the packaged unit starts X with -dpms, so
    // that the server's own timeouts never blank the screen: they stay 0 here
    // too, and the display hours alone decide.
    DPMSEnable(display);
    DPMSSetTimeouts(display, 0, 0, 0);
    DPMSForceLevel(display, on ? DPMSModeOn : DPMSModeOff);
    XSync(display, False);
    CARD16 level = 0;
    BOOL enabled = False;
    const Status info = DPMSInfo(display, &level, &enabled);
    XSetErrorHandler(g_previous_handler.load());
    g_dpms_display = nullptr;
    if (const int error = g_dpms_error.load(); error != 0) {
        char text[128] = {};
        XGetErrorText(display, error, text, sizeof text);
        return std::string("dpms: the X server refused to switch the monitor ") + (on ? "on" : "off") + ": " + text;
    }
    const CARD16 wanted = on ? DPMSModeOn : DPMSModeOff;
    if (info == 0 || level != wanted)
        return std::string("dpms: the monitor did not switch ") + (on ? "on" : "off") + " (its level is " +
               std::to_string(level) + ")";
    return "";
}

// [SECTION] the worker -------------------------------------------------------------

PowerSwitch::PowerSwitch(PowerSettings settings, std::function<void()> on_finished)
    : settings_(std::move(settings)), on_finished_(std::move(on_finished)) {
    thread_ = std::thread([this] { run(); });
}

PowerSwitch::~PowerSwitch() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cancel_ = true;
    wake_.notify_all();
    thread_.join();
    if (display_ != nullptr) XCloseDisplay(static_cast<Display*>(display_));
}

void PowerSwitch::request(Switch which) {
    if (which == Switch::none) return;
    {
        std::lock_guard lock(mutex_);
        pending_ = which;
    }
    wake_.notify_all();
}

std::optional<PowerSwitch::Finished> PowerSwitch::take_finished() {
    std::lock_guard lock(mutex_);
    std::optional<Finished> out = std::move(finished_);
    finished_.reset();
    return out;
}

std::string PowerSwitch::perform(Switch which) {
    const bool on = which == Switch::on;
    const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(settings_.timeout);
    switch (settings_.backend) {
        case Backend::none: return "";
        case Backend::dpms: return dpms(on);
        case Backend::cec: {
            const auto command = cec_command(which);
            if (!command) return "cec: neither cec-ctl (v4l-utils) nor cec-client (cec-utils) is installed";
            return run_command("cec", command->argv, command->input, timeout, cancel_);
        }
        case Backend::command:
            return run_command(on ? "on_command" : "off_command", on ? settings_.on_command : settings_.off_command,
                               "", timeout, cancel_);
    }
    return "";
}

void PowerSwitch::run() {
    // A write to a child that exited gives EPIPE here, not a signal that ends the kiosk.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
    for (;;) {
        Switch which = Switch::none;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || pending_ != Switch::none; });
            if (stopping_) return;
            which = pending_;
            pending_ = Switch::none;
        }
        std::string problem = perform(which);
        {
            timespec zero{};
            while (sigtimedwait(&pipe_signal, nullptr, &zero) > 0) {  // a SIGPIPE taken above, if any
            }
        }
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            finished_ = Finished{which, std::move(problem)};
        }
        if (on_finished_) on_finished_();
    }
}

}  // namespace campus::kiosk::power
