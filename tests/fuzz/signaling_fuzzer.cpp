// The signaling hub on arbitrary client messages: one line of input is one WebSocket text message. Two
// joined connections (a moderator and a publisher) and one socket that never joined take turns, so
// every request type runs against real state. Nothing may crash, leak or touch another session.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/client_token.h"
#include "server/media_router.h"
#include "server/signaling_hub.h"

namespace {

using namespace umbra::server;

class NullLink : public ClientLink {
 public:
  void send(std::string) override {}
  void close(std::uint16_t, std::string_view) override {}
};

const ApiCredentials kCreds{"fuzzkey", "fuzzsecret"};
constexpr std::int64_t kNowSeconds = 1'800'000'000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto router = make_unavailable_media_router();
  SessionRecord relayed;
  relayed.id = "ses_fuzz";
  relayed.media_mode = MediaMode::kRelayed;
  SignalingHub hub(
      HubConfig{kCreds},
      [&](const std::string& id) -> std::optional<SessionRecord> {
        if (id == relayed.id) return relayed;
        return std::nullopt;
      },
      *router);

  std::int64_t now = kNowSeconds * 1000;
  NullLink moderator, publisher, stranger;
  for (auto* link : {&moderator, &publisher, &stranger}) hub.on_open(*link, now);
  const auto join = [&](NullLink& link, Role role) {
    const auto token = mint_client_token(kCreds, {relayed.id, role, 3600, ""}, kNowSeconds);
    hub.on_message(link, R"({"type":"join","requestId":1,"token":")" + token->token + "\"}", now);
  };
  join(moderator, Role::kModerator);
  join(publisher, Role::kPublisher);
  hub.on_message(publisher, R"({"type":"publish","requestId":2,"stream":{"name":"cam"}})", now);

  const std::string_view input(reinterpret_cast<const char*>(data), size);
  NullLink* links[] = {&moderator, &publisher, &stranger};
  std::size_t start = 0;
  for (std::size_t turn = 0; start <= input.size(); ++turn) {
    auto end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    hub.on_message(*links[turn % 3], input.substr(start, end - start), now);
    now += 7;
    if (turn % 16 == 15) hub.tick(now);
    start = end + 1;
  }
  hub.on_close(publisher, now);
  hub.tick(now + 60'000);
  return 0;
}
