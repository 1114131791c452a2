// The floor for writing Mackerel's JSON: read each file monitorc wrote, parse it with
// nlohmann::json, print it again (4-space indent, as monitorc writes) and write it to OUTDIR.
// No language, no checks: what any tool producing the same files would at least spend.
// bench/backends/run.py compiles it with the system's compiler (-O2) and times it beside
// `monitorc build --emit mackerel`.
//   json_floor OUTDIR FILE...
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: json_floor OUTDIR FILE...\n";
    return 2;
  }
  std::string outdir = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    nlohmann::json doc = nlohmann::json::parse(text);
    std::ofstream out(outdir + "/" + std::to_string(i) + ".json", std::ios::binary);
    out << doc.dump(4) << '\n';
    if (!out) {
      std::cerr << "json_floor: cannot write into " << outdir << "\n";
      return 1;
    }
  }
  return 0;
}
