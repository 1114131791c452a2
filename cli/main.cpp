#include "commands.h"

int main(int argc, char** argv) { return mon::cli::run(argc, argv); }
