// The test process's `readdir` (see readdir_guard.c); nothing to call from Swift.
#pragma once
