// The one table of Linux x86_64 syscalls: number, name, and for implemented ones the argument
// spec that --trace decodes. Dispatch, trace names and the "not implemented" warning are all
// generated from it. Numbers from <asm/unistd_64.h>.
//
// S(number, name, spec): implemented by `sys_<name>` (see linux/syscalls.h).
// U(number, name): returns ENOSYS and is named once with --log-level=warn.
// Spec letters, one per argument: d int, l long, u unsigned, x hex, f fd, s string in,
// b buffer in (length = next argument), o buffer out (length = result), p pointer;
// ">x" after them prints the result in hex.
#pragma once

#define ENUMERATE_SYSCALLS(S, U) \
    S(0, read, "fou") \
    S(1, write, "fbu") \
    S(2, open, "sxx") \
    S(3, close, "f") \
    S(4, stat, "sp") \
    S(5, fstat, "fp") \
    S(6, lstat, "sp") \
    S(7, poll, "pud") \
    S(8, lseek, "fld") \
    S(9, mmap, "xuxxfx>x") \
    S(10, mprotect, "xux") \
    S(11, munmap, "xu") \
    S(12, brk, "x>x") \
    S(13, rt_sigaction, "dpp") \
    S(14, rt_sigprocmask, "dppu") \
    S(15, rt_sigreturn, "") \
    S(16, ioctl, "fxx") \
    S(17, pread64, "foul") \
    S(18, pwrite64, "fbul") \
    S(19, readv, "fpd") \
    S(20, writev, "fpd") \
    S(21, access, "sx") \
    S(22, pipe, "p") \
    S(23, select, "dpppp") \
    S(24, sched_yield, "") \
    S(25, mremap, "xuux>x") \
    S(26, msync, "xux") \
    S(27, mincore, "xup") \
    S(28, madvise, "xud") \
    U(29, shmget) \
    U(30, shmat) \
    U(31, shmctl) \
    S(32, dup, "f") \
    S(33, dup2, "ff") \
    S(34, pause, "") \
    S(35, nanosleep, "pp") \
    S(36, getitimer, "dp") \
    S(37, alarm, "u") \
    S(38, setitimer, "dpp") \
    S(39, getpid, "") \
    S(40, sendfile, "ffpu") \
    S(41, socket, "ddd") \
    S(42, connect, "fpd") \
    S(43, accept, "fpp") \
    S(44, sendto, "fbuxpd") \
    S(45, recvfrom, "fouxpp") \
    S(46, sendmsg, "fpx") \
    S(47, recvmsg, "fpx") \
    S(48, shutdown, "fd") \
    S(49, bind, "fpd") \
    S(50, listen, "fd") \
    S(51, getsockname, "fpp") \
    S(52, getpeername, "fpp") \
    S(53, socketpair, "dddp") \
    S(54, setsockopt, "fddpd") \
    S(55, getsockopt, "fddpp") \
    S(56, clone, "xpppx") \
    S(57, fork, "") \
    S(58, vfork, "") \
    S(59, execve, "spp") \
    S(60, exit, "d") \
    S(61, wait4, "dpxp") \
    S(62, kill, "dd") \
    S(63, uname, "p") \
    U(64, semget) \
    U(65, semop) \
    U(66, semctl) \
    U(67, shmdt) \
    U(68, msgget) \
    U(69, msgsnd) \
    U(70, msgrcv) \
    U(71, msgctl) \
    S(72, fcntl, "fdx") \
    S(73, flock, "fx") \
    S(74, fsync, "f") \
    S(75, fdatasync, "f") \
    S(76, truncate, "sl") \
    S(77, ftruncate, "fl") \
    U(78, getdents) \
    S(79, getcwd, "pu") \
    S(80, chdir, "s") \
    S(81, fchdir, "f") \
    S(82, rename, "ss") \
    S(83, mkdir, "sx") \
    S(84, rmdir, "s") \
    S(85, creat, "sx") \
    S(86, link, "ss") \
    S(87, unlink, "s") \
    S(88, symlink, "ss") \
    S(89, readlink, "spu") \
    S(90, chmod, "sx") \
    S(91, fchmod, "fx") \
    S(92, chown, "sdd") \
    S(93, fchown, "fdd") \
    S(94, lchown, "sdd") \
    S(95, umask, "x") \
    S(96, gettimeofday, "pp") \
    S(97, getrlimit, "dp") \
    S(98, getrusage, "dp") \
    S(99, sysinfo, "p") \
    S(100, times, "p") \
    U(101, ptrace) \
    S(102, getuid, "") \
    U(103, syslog) \
    S(104, getgid, "") \
    S(105, setuid, "d") \
    S(106, setgid, "d") \
    S(107, geteuid, "") \
    S(108, getegid, "") \
    S(109, setpgid, "dd") \
    S(110, getppid, "") \
    S(111, getpgrp, "") \
    S(112, setsid, "") \
    S(113, setreuid, "dd") \
    S(114, setregid, "dd") \
    S(115, getgroups, "dp") \
    S(116, setgroups, "dp") \
    S(117, setresuid, "ddd") \
    S(118, getresuid, "ppp") \
    S(119, setresgid, "ddd") \
    S(120, getresgid, "ppp") \
    S(121, getpgid, "d") \
    S(122, setfsuid, "d") \
    S(123, setfsgid, "d") \
    S(124, getsid, "d") \
    S(125, capget, "pp") \
    S(126, capset, "pp") \
    S(127, rt_sigpending, "pu") \
    S(128, rt_sigtimedwait, "pppu") \
    S(129, rt_sigqueueinfo, "ddp") \
    S(130, rt_sigsuspend, "pu") \
    S(131, sigaltstack, "pp") \
    S(132, utime, "sp") \
    S(133, mknod, "sxx") \
    U(134, uselib) \
    S(135, personality, "x") \
    U(136, ustat) \
    S(137, statfs, "sp") \
    S(138, fstatfs, "fp") \
    U(139, sysfs) \
    S(140, getpriority, "dd") \
    S(141, setpriority, "ddd") \
    U(142, sched_setparam) \
    S(143, sched_getparam, "dp") \
    U(144, sched_setscheduler) \
    S(145, sched_getscheduler, "d") \
    S(146, sched_get_priority_max, "d") \
    S(147, sched_get_priority_min, "d") \
    U(148, sched_rr_get_interval) \
    S(149, mlock, "xu") \
    S(150, munlock, "xu") \
    S(151, mlockall, "x") \
    S(152, munlockall, "") \
    U(153, vhangup) \
    U(154, modify_ldt) \
    U(155, pivot_root) \
    U(156, _sysctl) \
    S(157, prctl, "dxxxx") \
    S(158, arch_prctl, "xx") \
    U(159, adjtimex) \
    S(160, setrlimit, "dp") \
    U(161, chroot) \
    S(162, sync, "") \
    U(163, acct) \
    U(164, settimeofday) \
    U(165, mount) \
    U(166, umount2) \
    U(167, swapon) \
    U(168, swapoff) \
    U(169, reboot) \
    U(170, sethostname) \
    U(171, setdomainname) \
    U(172, iopl) \
    U(173, ioperm) \
    U(174, create_module) \
    U(175, init_module) \
    U(176, delete_module) \
    U(177, get_kernel_syms) \
    U(178, query_module) \
    U(179, quotactl) \
    U(180, nfsservctl) \
    U(181, getpmsg) \
    U(182, putpmsg) \
    U(183, afs_syscall) \
    U(184, tuxcall) \
    U(185, security) \
    S(186, gettid, "") \
    U(187, readahead) \
    S(188, setxattr, "ssbx") \
    S(189, lsetxattr, "ssbx") \
    S(190, fsetxattr, "fsbx") \
    S(191, getxattr, "spu") \
    S(192, lgetxattr, "spu") \
    S(193, fgetxattr, "fpu") \
    S(194, listxattr, "spu") \
    S(195, llistxattr, "spu") \
    S(196, flistxattr, "fpu") \
    S(197, removexattr, "ss") \
    S(198, lremovexattr, "ss") \
    S(199, fremovexattr, "fs") \
    S(200, tkill, "dd") \
    S(201, time, "p") \
    S(202, futex, "pxupux") \
    S(203, sched_setaffinity, "dup") \
    S(204, sched_getaffinity, "dup") \
    U(205, set_thread_area) \
    U(206, io_setup) \
    U(207, io_destroy) \
    U(208, io_getevents) \
    U(209, io_submit) \
    U(210, io_cancel) \
    U(211, get_thread_area) \
    U(212, lookup_dcookie) \
    S(213, epoll_create, "d") \
    U(214, epoll_ctl_old) \
    U(215, epoll_wait_old) \
    U(216, remap_file_pages) \
    S(217, getdents64, "fpu") \
    S(218, set_tid_address, "p") \
    U(219, restart_syscall) \
    U(220, semtimedop) \
    U(221, fadvise64) \
    S(222, timer_create, "dpp") \
    S(223, timer_settime, "ddpp") \
    S(224, timer_gettime, "dp") \
    S(225, timer_getoverrun, "d") \
    S(226, timer_delete, "d") \
    U(227, clock_settime) \
    S(228, clock_gettime, "dp") \
    S(229, clock_getres, "dp") \
    S(230, clock_nanosleep, "ddpp") \
    S(231, exit_group, "d") \
    S(232, epoll_wait, "fpdd") \
    S(233, epoll_ctl, "fdfp") \
    S(234, tgkill, "ddd") \
    S(235, utimes, "sp") \
    U(236, vserver) \
    U(237, mbind) \
    U(238, set_mempolicy) \
    U(239, get_mempolicy) \
    U(240, mq_open) \
    U(241, mq_unlink) \
    U(242, mq_timedsend) \
    U(243, mq_timedreceive) \
    U(244, mq_notify) \
    U(245, mq_getsetattr) \
    U(246, kexec_load) \
    S(247, waitid, "ddpxp") \
    U(248, add_key) \
    U(249, request_key) \
    U(250, keyctl) \
    U(251, ioprio_set) \
    U(252, ioprio_get) \
    U(253, inotify_init) \
    U(254, inotify_add_watch) \
    U(255, inotify_rm_watch) \
    U(256, migrate_pages) \
    S(257, openat, "fsxx") \
    S(258, mkdirat, "fsx") \
    S(259, mknodat, "fsxx") \
    S(260, fchownat, "fsddx") \
    S(261, futimesat, "fsp") \
    S(262, newfstatat, "fspx") \
    S(263, unlinkat, "fsx") \
    S(264, renameat, "fsfs") \
    S(265, linkat, "fsfsx") \
    S(266, symlinkat, "sfs") \
    S(267, readlinkat, "fspu") \
    S(268, fchmodat, "fsx") \
    S(269, faccessat, "fsx") \
    S(270, pselect6, "dppppp") \
    S(271, ppoll, "pupp") \
    U(272, unshare) \
    S(273, set_robust_list, "pu") \
    S(274, get_robust_list, "dpp") \
    S(275, splice, "fpfpux") \
    U(276, tee) \
    U(277, sync_file_range) \
    U(278, vmsplice) \
    U(279, move_pages) \
    S(280, utimensat, "fspx") \
    S(281, epoll_pwait, "fpddpu") \
    U(282, signalfd) \
    S(283, timerfd_create, "dx") \
    S(284, eventfd, "u") \
    S(285, fallocate, "fxll") \
    S(286, timerfd_settime, "fxpp") \
    S(287, timerfd_gettime, "fp") \
    S(288, accept4, "fppx") \
    U(289, signalfd4) \
    S(290, eventfd2, "ux") \
    S(291, epoll_create1, "x") \
    S(292, dup3, "ffx") \
    S(293, pipe2, "px") \
    U(294, inotify_init1) \
    S(295, preadv, "fpdl") \
    S(296, pwritev, "fpdl") \
    S(297, rt_tgsigqueueinfo, "dddp") \
    U(298, perf_event_open) \
    S(299, recvmmsg, "fpuxp") \
    U(300, fanotify_init) \
    U(301, fanotify_mark) \
    S(302, prlimit64, "ddpp") \
    S(303, name_to_handle_at, "fsppx") \
    U(304, open_by_handle_at) \
    U(305, clock_adjtime) \
    S(306, syncfs, "f") \
    S(307, sendmmsg, "fpux") \
    U(308, setns) \
    S(309, getcpu, "ppp") \
    U(310, process_vm_readv) \
    U(311, process_vm_writev) \
    U(312, kcmp) \
    U(313, finit_module) \
    U(314, sched_setattr) \
    U(315, sched_getattr) \
    S(316, renameat2, "fsfsx") \
    U(317, seccomp) \
    S(318, getrandom, "oux") \
    S(319, memfd_create, "sx") \
    U(320, kexec_file_load) \
    U(321, bpf) \
    S(322, execveat, "dsppx") \
    U(323, userfaultfd) \
    S(324, membarrier, "dud") \
    U(325, mlock2) \
    S(326, copy_file_range, "fpfpux") \
    S(327, preadv2, "fpdlx") \
    S(328, pwritev2, "fpdlx") \
    U(329, pkey_mprotect) \
    U(330, pkey_alloc) \
    U(331, pkey_free) \
    S(332, statx, "fsxxp") \
    U(333, io_pgetevents) \
    U(334, rseq) \
    S(424, pidfd_send_signal, "ddpx") \
    U(425, io_uring_setup) \
    U(426, io_uring_enter) \
    U(427, io_uring_register) \
    U(428, open_tree) \
    U(429, move_mount) \
    U(430, fsopen) \
    U(431, fsconfig) \
    U(432, fsmount) \
    U(433, fspick) \
    S(434, pidfd_open, "dx") \
    S(435, clone3, "pu") \
    S(436, close_range, "uux") \
    S(437, openat2, "fspu") \
    U(438, pidfd_getfd) \
    S(439, faccessat2, "fsxx") \
    U(440, process_madvise) \
    S(441, epoll_pwait2, "fpdppu") \
    U(442, mount_setattr) \
    U(443, quotactl_fd) \
    U(444, landlock_create_ruleset) \
    U(445, landlock_add_rule) \
    U(446, landlock_restrict_self) \
    U(447, memfd_secret) \
    U(448, process_mrelease) \
    U(449, futex_waitv) \
    U(450, set_mempolicy_home_node)
