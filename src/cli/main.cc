// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli/commands.h"

int main(int argc, char** argv) {
  return mdguard::run_cli(argc, argv);
}
