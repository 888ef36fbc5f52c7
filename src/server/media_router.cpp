#include "server/media_router.h"

namespace umbra::server {
namespace {

class UnavailableMediaRouter final : public MediaRouter {
 public:
  bool available() const override { return false; }
  void create_transport(const TransportOptions&, RouterCallback<TransportInfo> done) override { fail(done); }
  void connect_transport(const std::string&, const DtlsParameters&,
                         RouterCallback<RouterDone> done) override {
    fail(done);
  }
  void produce(const std::string&, const ProduceOptions&, RouterCallback<ProducerInfo> done) override {
    fail(done);
  }
  void consume(const std::string&, const ConsumeOptions&, RouterCallback<ConsumerInfo> done) override {
    fail(done);
  }
  void set_consumer_paused(const std::string&, bool) override {}
  void close_transport(const std::string&) override {}
  // Nothing is ever created, so nothing closes on its own.
  void set_on_transport_closed(std::function<void(const std::string&, const std::string&)>) override {}
  RouterStats stats() const override { return {}; }
  void start_recording(const RecordingOptions&, RouterCallback<RecordingReport> done) override { fail(done); }
  void stop_recording(const std::string&, const std::string&, RouterCallback<RecordingReport> done) override {
    fail(done);
  }
  void set_on_recording_update(std::function<void(const RecordingReport&)>) override {}

 private:
  template <class T>
  static void fail(const RouterCallback<T>& done) {
    if (done)
      done(RouterOutcome<T>{std::nullopt, RouterError{"router_unavailable", kRouterUnavailableMessage}});
  }
};

}  // namespace

std::unique_ptr<MediaRouter> make_unavailable_media_router() {
  return std::make_unique<UnavailableMediaRouter>();
}

}  // namespace umbra::server
