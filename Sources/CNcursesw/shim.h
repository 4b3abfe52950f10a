#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
/*
 * ncursesw for Swift.
 *
 * Why this header exists: Swift imports neither function-like macros (A_BOLD expands
 * through NCURSES_BITS, COLOR_PAIR, KEY_F, getmaxyx) nor mutable C globals under
 * Swift 6 strict concurrency (stdscr, LINES, COLS, COLORS). Each is wrapped in a
 * `cncursesw_`-prefixed static inline function. No wrapper keeps state: a static
 * variable in a header would be duplicated in every object file that uses it.
 */

/* Wide-character curses needs these before any include; SwiftPM drops them from pkg-config. */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <langinfo.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* Attributes (macros built from NCURSES_BITS, so not importable). */
static inline attr_t cncursesw_A_NORMAL(void) { return A_NORMAL; }
static inline attr_t cncursesw_A_BOLD(void) { return A_BOLD; }
static inline attr_t cncursesw_A_DIM(void) { return A_DIM; }
static inline attr_t cncursesw_A_REVERSE(void) { return A_REVERSE; }
static inline attr_t cncursesw_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t cncursesw_A_STANDOUT(void) { return A_STANDOUT; }
static inline attr_t cncursesw_A_ITALIC(void) {
#ifdef A_ITALIC
    return A_ITALIC;
#else
    return A_NORMAL; /* macOS's ncurses 5.7 has no italic. */
#endif
}

/* COLOR_PAIR: ncurses 6 also exports a function, older curses only the macro. */
static inline attr_t cncursesw_COLOR_PAIR(int pair) { return (attr_t)COLOR_PAIR(pair); }

/* Mutable globals, read through functions so Swift 6 sees no shared mutable state. */
static inline WINDOW *cncursesw_stdscr(void) { return stdscr; }
static inline int cncursesw_LINES(void) { return LINES; }
static inline int cncursesw_COLS(void) { return COLS; }
static inline int cncursesw_COLORS(void) { return COLORS; }
static inline int cncursesw_COLOR_PAIRS(void) { return COLOR_PAIRS; }

/* getmaxyx assigns to its arguments; these are the function forms. */
static inline int cncursesw_getmaxy(WINDOW *window) { return getmaxy(window); }
static inline int cncursesw_getmaxx(WINDOW *window) { return getmaxx(window); }

/* KEY_F(n) is a function-like macro. */
static inline int cncursesw_KEY_F(int n) { return KEY_F(n); }

/* wcwidth is hidden from Swift's Glibc module behind the XOPEN feature macros. */
static inline int cncursesw_wcwidth(wchar_t character) { return wcwidth(character); }

/* True when the current locale's character set is UTF-8 (htop's check). */
static inline int cncursesw_codeset_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

/* setlocale(LC_ALL, "") without Swift needing the LC_ALL macro's platform value. */
static inline int cncursesw_setlocale_from_environment(void) {
    return setlocale(LC_ALL, "") != NULL;
}


/* Installs `handler` for `signal_number` (no SA_RESTART, so a blocking read returns and
 * the input loop sees the flag), storing the previous action in `previous`. In C because
 * struct sigaction's handler field is spelled differently on each platform. */
static inline int cncursesw_install_signal_handler(int signal_number, void (*handler)(int), struct sigaction *previous) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    return sigaction(signal_number, &action, previous);
}

static inline int cncursesw_ignore_signal(int signal_number, struct sigaction *previous) {
    return cncursesw_install_signal_handler(signal_number, SIG_IGN, previous);
}

static inline int cncursesw_restore_signal_handler(int signal_number, const struct sigaction *previous) {
    return sigaction(signal_number, previous, NULL);
}

/* Installs a three-argument crash handler (SA_SIGINFO, on the alternate stack if one is
 * set up, so a stack overflow can still be handled). */
static inline int cncursesw_install_crash_handler(int signal_number, void (*handler)(int, siginfo_t *, void *), struct sigaction *previous) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    return sigaction(signal_number, &action, previous);
}

/* Runs the handler that was installed before ours (the Swift runtime's backtracer, for
 * instance) and then makes sure the process dies of the signal: the default action is
 * set and the signal raised, delivered as soon as this handler returns. A handler that
 * merely returned would otherwise leave a crashed program running. */
static inline void cncursesw_forward_crash(int signal_number, siginfo_t *info, void *context, const struct sigaction *previous) {
    struct sigaction fallback;
    sigaction(signal_number, previous, NULL);
    if (previous->sa_flags & SA_SIGINFO) {
        if (previous->sa_sigaction != NULL) previous->sa_sigaction(signal_number, info, context);
    } else if (previous->sa_handler != SIG_DFL && previous->sa_handler != SIG_IGN && previous->sa_handler != NULL) {
        previous->sa_handler(signal_number);
    }
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(signal_number, &fallback, NULL);
    raise(signal_number);
}

/* Unblocks the signals the terminal handles in the calling thread. A parent can hand
 * down a mask that blocks them (test runners do), and a blocked SIGTERM would leave the
 * screen in curses mode until the process is killed outright. */
static inline void cncursesw_unblock_handled_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGQUIT);
    sigaddset(&set, SIGWINCH);
    sigaddset(&set, SIGSEGV);
    sigaddset(&set, SIGBUS);
    sigaddset(&set, SIGFPE);
    sigaddset(&set, SIGILL);
    sigaddset(&set, SIGABRT);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/* Copies everything in `from` (rewound first) to `to`; async-signal-safe (lseek, read,
 * write only), so the crash handler can replay captured stderr after endwin. */
static inline void cncursesw_replay_fd(int from, int to) {
    char buffer[4096];
    if (from < 0 || to < 0) return;
    if (lseek(from, 0, SEEK_SET) < 0) return;
    for (;;) {
        ssize_t got = read(from, buffer, sizeof buffer);
        if (got <= 0) return;
        ssize_t done = 0;
        while (done < got) {
            ssize_t put = write(to, buffer + done, (size_t)(got - done));
            if (put <= 0) return;
            done += put;
        }
    }
}

#endif
