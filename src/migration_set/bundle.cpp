#include "migration_set/bundle.hpp"

#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>

#include "core/unique_fd.hpp"
#include "core/write_all.hpp"
#include "migration_set/checksum.hpp"

namespace dbinit {

namespace {

// The marker, in dbinit's initialised data (so it has bytes in the file that
// bundling can patch). Unbundled: format 0.
struct BundleMarker {
  char magic[16];
  std::uint64_t format;  // 0: nothing attached; else the payload's format
  std::uint64_t offset;  // where the payload starts in the file
  std::uint64_t length;  // the payload's length in bytes
  unsigned char sha256[32];
};

constexpr char marker_magic[16] = {'d', 'b', 'i', 'n', 'i', 't', ':', 'b', 'u', 'n', 'd', 'l', 'e', ':', 'v', '1'};

[[gnu::used]] BundleMarker bundle_marker = {
    .magic = {'d', 'b', 'i', 'n', 'i', 't', ':', 'b', 'u', 'n', 'd', 'l', 'e', ':', 'v', '1'},
    .format = 0,
    .offset = 0,
    .length = 0,
    .sha256 = {}};

// Read through a volatile pointer: the compiler must not fold the initial
// values in, since bundling changes them in the file after the build.
BundleMarker current_marker() {
  BundleMarker copy;
  const volatile unsigned char* source = reinterpret_cast<const volatile unsigned char*>(&bundle_marker);
  auto* target = reinterpret_cast<unsigned char*>(&copy);
  for (std::size_t i = 0; i < sizeof copy; ++i) target[i] = source[i];
  return copy;
}

std::string hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 0xF];
  }
  return out;
}

void put_le(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
}

std::optional<std::uint64_t> take_le(std::string_view& in, int bytes) {
  if (in.size() < static_cast<std::size_t>(bytes)) return std::nullopt;
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value |= std::uint64_t{static_cast<unsigned char>(in[i])} << (8 * i);
  in.remove_prefix(bytes);
  return value;
}

struct MarkerOffset {
  std::uintptr_t address;
  std::optional<std::uint64_t> file_offset;
};

// Where the marker lies in the executable file: its address, mapped back
// through the program header of the loaded segment that holds it.
std::optional<std::uint64_t> marker_file_offset() {
  MarkerOffset search{reinterpret_cast<std::uintptr_t>(&bundle_marker), std::nullopt};
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) {
        auto* wanted = static_cast<MarkerOffset*>(data);
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const auto& header = info->dlpi_phdr[i];
          if (header.p_type != PT_LOAD) continue;
          const std::uintptr_t start = info->dlpi_addr + header.p_vaddr;
          if (wanted->address >= start && wanted->address + sizeof(BundleMarker) <= start + header.p_filesz) {
            wanted->file_offset = header.p_offset + (wanted->address - start);
            return 1;
          }
        }
        return 0;
      },
      &search);
  return search.file_offset;
}

std::string system_error(const std::string& attempted) { return attempted + ": " + std::strerror(errno); }

// The whole of [offset, offset + length) of fd, or an error.
bool read_exactly(int fd, std::uint64_t offset, std::uint64_t length, std::string& out, std::string& error) {
  out.resize(length);
  for (std::uint64_t done = 0; done < length;) {
    const auto got = ::pread(fd, out.data() + done, length - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      error = system_error("reading this dbinit's executable");
      return false;
    }
    if (got == 0) {
      error = "this dbinit's executable ends early";
      return false;
    }
    done += static_cast<std::uint64_t>(got);
  }
  return true;
}

constexpr std::string_view rebundle_hint = " (make the binary again with dbinit bundle; strip and UPX remove the set)";

}  // namespace

std::string encode_payload(const std::vector<MigrationFile>& files) {
  std::string out;
  for (const auto& file : files) {
    put_le(out, file.file_name.size(), 4);
    out += file.file_name;
    put_le(out, file.content.size(), 8);
    out += file.content;
  }
  return out;
}

std::optional<std::vector<MigrationFile>> decode_payload(std::string_view payload) {
  std::vector<MigrationFile> files;
  while (!payload.empty()) {
    const auto name_length = take_le(payload, 4);
    if (!name_length || *name_length == 0 || *name_length > payload.size()) return std::nullopt;
    MigrationFile file;
    file.file_name = std::string(payload.substr(0, *name_length));
    payload.remove_prefix(*name_length);
    const auto content_length = take_le(payload, 8);
    if (!content_length || *content_length > payload.size()) return std::nullopt;
    file.content = std::string(payload.substr(0, *content_length));
    payload.remove_prefix(*content_length);
    files.push_back(std::move(file));
  }
  return files;
}

AttachedSet read_attached_set() {
  AttachedSet attached;
  const BundleMarker marker = current_marker();
  if (marker.format == 0) return attached;
  attached.present = true;
  auto damaged = [&](std::string what) {
    attached.error = "the bundled migration set is damaged: " + std::move(what) + std::string(rebundle_hint);
    return std::move(attached);
  };
  if (marker.format != bundle_format)
    return damaged("it is in format " + std::to_string(marker.format) + ", this dbinit reads format " +
                   std::to_string(bundle_format));
  UniqueFd exe(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
  if (!exe) return damaged(system_error("opening /proc/self/exe"));
  struct stat info {};
  if (::fstat(exe.get(), &info) != 0) return damaged(system_error("reading the size of /proc/self/exe"));
  const auto size = static_cast<std::uint64_t>(info.st_size);
  const std::uint64_t expected_end = marker.offset + marker.length;
  if (size < expected_end)
    return damaged("truncated: the executable has " + std::to_string(size) + " bytes, the set ends at byte " +
                   std::to_string(expected_end));
  if (size > expected_end)
    return damaged(std::to_string(size - expected_end) + " unexpected bytes after the set");
  std::string payload, error;
  if (!read_exactly(exe.get(), marker.offset, marker.length, payload, error)) return damaged(error);
  if (sha256_hex(payload) != hex(marker.sha256, sizeof marker.sha256)) return damaged("its SHA-256 does not match");
  auto files = decode_payload(payload);
  if (!files) return damaged("its contents are malformed");
  attached.files = std::move(*files);
  return attached;
}

std::string write_bundle(const std::vector<MigrationFile>& files, const std::string& output) {
  const auto marker_offset = marker_file_offset();
  if (!marker_offset) return "cannot find dbinit's bundle marker in its own program headers";
  UniqueFd exe(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
  if (!exe) return system_error("opening /proc/self/exe");
  struct stat info {};
  if (::fstat(exe.get(), &info) != 0) return system_error("reading the size of /proc/self/exe");
  // A bundled dbinit copies itself without the set it carries.
  const BundleMarker current = current_marker();
  const std::uint64_t base_length = current.format == 0 ? static_cast<std::uint64_t>(info.st_size) : current.offset;
  std::string image, error;
  if (!read_exactly(exe.get(), 0, base_length, image, error)) return error;
  if (*marker_offset + sizeof(BundleMarker) > image.size() ||
      std::memcmp(image.data() + *marker_offset, marker_magic, sizeof marker_magic) != 0)
    return "dbinit's bundle marker is not where its program headers say";

  const std::string payload = encode_payload(files);
  BundleMarker marker{};
  std::memcpy(marker.magic, marker_magic, sizeof marker_magic);
  marker.format = bundle_format;
  marker.offset = base_length;
  marker.length = payload.size();
  const std::string digest = sha256_hex(payload);
  for (std::size_t i = 0; i < sizeof marker.sha256; ++i)
    marker.sha256[i] = static_cast<unsigned char>(std::stoi(digest.substr(2 * i, 2), nullptr, 16));
  std::memcpy(image.data() + *marker_offset, &marker, sizeof marker);

  // Written beside the output and renamed into place: the output is whole or
  // absent, and replacing the running dbinit itself is safe.
  const auto directory = std::filesystem::path(output).parent_path();
  std::string temporary = (directory.empty() ? std::string(".") : directory.string()) + "/.dbinit-bundle-XXXXXX";
  UniqueFd out(::mkstemp(temporary.data()));
  if (!out) return system_error("creating a temporary file beside " + output);
  const bool written = write_all(out.get(), image) && write_all(out.get(), payload) && ::fchmod(out.get(), 0755) == 0 &&
                       ::fsync(out.get()) == 0;
  const int saved = errno;
  out.reset();
  if (!written || ::rename(temporary.c_str(), output.c_str()) != 0) {
    const int failed = written ? errno : saved;
    ::unlink(temporary.c_str());  // best effort: nothing else to do with a half-written file
    errno = failed;
    return system_error("writing " + output);
  }
  return {};
}

}  // namespace dbinit
