#include "sio/redis/reply.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <new>

#include <hiredis/hiredis.h>

namespace sio::redis {

struct reply_reader::impl {
    explicit impl(std::size_t max)
        : max_bytes(max) {}

    std::size_t max_bytes;
    std::size_t object_bytes = 0; ///< what the reply being built holds so far
    std::unique_ptr<reply> root;  ///< the reply being built; hiredis only holds pointers
    std::string refused;          ///< why a callback refused an object (hiredis says "OOM")

    struct free_reader {
        void operator()(redisReader* r) const { redisReaderFree(r); }
    };
    std::unique_ptr<redisReader, free_reader> reader;

    [[noreturn]] void fail() const {
        throw protocol_error(
            fmt::format("redis: {}", refused.empty() ? reader->errstr : refused.c_str()));
    }

    void refuse(std::size_t would_take) {
        refused = fmt::format("a reply of at least {} bytes is larger than max_reply_bytes ({})",
                              would_take, max_bytes);
    }

    /// Places a new object: the root, or the next element of its parent. Each parent is the
    /// last element of its own parent while hiredis fills it (replies are read depth first),
    /// so the pointers handed to hiredis stay valid while it uses them.
    void* add(redisReadTask const* task, reply value) noexcept {
        try {
            auto const cost = sizeof(reply) + value.str.size();
            if (object_bytes + cost > max_bytes) {
                refuse(object_bytes + cost);
                return nullptr;
            }
            object_bytes += cost;
            if (task->parent == nullptr) {
                root = std::make_unique<reply>(std::move(value));
                return root.get();
            }
            auto* parent = static_cast<reply*>(task->parent->obj);
            parent->elements.push_back(std::move(value));
            return &parent->elements.back();
        } catch (std::bad_alloc const&) {
            refused = "out of memory";
            return nullptr;
        }
    }

    static impl& of(redisReadTask const* task) { return *static_cast<impl*>(task->privdata); }

    static void* create_string(redisReadTask const* task, char* str, std::size_t len) noexcept {
        reply r;
        r.type = task->type == REDIS_REPLY_ERROR    ? reply::kind::error
                 : task->type == REDIS_REPLY_STATUS ? reply::kind::status
                                                    : reply::kind::string;
        auto& self = of(task);
        if (self.object_bytes + len > self.max_bytes) {
            self.refuse(self.object_bytes + len);
            return nullptr;
        }
        try {
            r.str.assign(str, len);
        } catch (std::bad_alloc const&) {
            self.refused = "out of memory";
            return nullptr;
        }
        return self.add(task, std::move(r));
    }

    static void* create_array(redisReadTask const* task, int elements) noexcept {
        auto& self = of(task);
        auto const count = static_cast<std::size_t>(std::max(elements, 0));
        // Refused by its declared size: "*2147483647\r\n" must not reserve anything.
        if (count >
            (self.max_bytes - std::min(self.max_bytes, self.object_bytes)) / sizeof(reply)) {
            self.refuse(self.object_bytes + count * sizeof(reply));
            return nullptr;
        }
        reply r;
        r.type = reply::kind::array;
        try {
            r.elements.reserve(std::min<std::size_t>(count, 1024));
        } catch (std::bad_alloc const&) {
            self.refused = "out of memory";
            return nullptr;
        }
        return self.add(task, std::move(r));
    }

    static void* create_integer(redisReadTask const* task, long long value) noexcept {
        reply r;
        r.type = reply::kind::integer;
        r.integer = value;
        return of(task).add(task, std::move(r));
    }

    static void* create_nil(redisReadTask const* task) noexcept {
        return of(task).add(task, reply{});
    }

    /// The root is ours (impl::root), so hiredis never frees anything.
    static void free_object(void*) noexcept {}

    static redisReplyObjectFunctions* functions() {
        static redisReplyObjectFunctions fns{create_string, create_array, create_integer,
                                             create_nil, free_object};
        return &fns;
    }

    /// While hiredis waits for the rest of a bulk string, the buffer starts with its
    /// declared length: refuse it now rather than after buffering that many bytes.
    void check_declared_bulk() {
        auto* r = reader.get();
        if (r->ridx < 0 || r->rstack[r->ridx].type != REDIS_REPLY_STRING)
            return;
        std::size_t declared = 0;
        for (std::size_t i = r->pos; i < r->len && r->buf[i] >= '0' && r->buf[i] <= '9'; ++i) {
            declared = declared * 10 + static_cast<std::size_t>(r->buf[i] - '0');
            if (declared > max_bytes)
                break;
        }
        if (object_bytes + declared > max_bytes) {
            refuse(object_bytes + declared);
            fail();
        }
    }
};

reply_reader::reply_reader(std::size_t max_reply_bytes)
    : impl_(std::make_unique<impl>(max_reply_bytes)) {
    impl_->reader.reset(redisReaderCreateWithFunctions(impl::functions()));
    if (!impl_->reader)
        throw std::bad_alloc();
    // Copied into every read task, where the callbacks find this reader's state.
    impl_->reader->privdata = impl_.get();
}

reply_reader::~reply_reader() = default;
reply_reader::reply_reader(reply_reader&&) noexcept = default;
reply_reader& reply_reader::operator=(reply_reader&&) noexcept = default;

void reply_reader::feed(std::string_view bytes) {
    if (!impl_->refused.empty())
        impl_->fail();
    if (redisReaderFeed(impl_->reader.get(), bytes.data(), bytes.size()) != REDIS_OK)
        impl_->fail();
}

std::optional<reply> reply_reader::next() {
    auto& self = *impl_;
    if (!self.refused.empty())
        self.fail();
    void* out = nullptr;
    if (redisReaderGetReply(self.reader.get(), &out) != REDIS_OK)
        self.fail();
    if (out == nullptr) {
        self.check_declared_bulk();
        auto const* r = self.reader.get();
        auto const buffered = r->len - r->pos;
        if (self.object_bytes + buffered > self.max_bytes) {
            self.refuse(self.object_bytes + buffered);
            self.fail();
        }
        return std::nullopt;
    }
    self.object_bytes = 0;
    auto result = std::move(*self.root);
    self.root.reset();
    return result;
}

namespace {

std::string format(std::size_t argc, char const** argv, std::size_t const* lengths) {
    if (argc > INT_MAX)
        throw std::length_error("redis: too many command arguments");
    std::size_t total = 0;
    for (std::size_t i = 0; i < argc; ++i)
        total += lengths[i] + 32;
    if (total > INT_MAX) // hiredis returns the length as an int
        throw std::length_error("redis: command larger than 2 GiB");
    char* raw = nullptr;
    int const n = redisFormatCommandArgv(&raw, static_cast<int>(argc), argv, lengths);
    if (n < 0 || raw == nullptr)
        throw std::bad_alloc();
    struct free_command {
        void operator()(char* p) const { redisFreeCommand(p); }
    };
    std::unique_ptr<char, free_command> owned(raw);
    return std::string(raw, static_cast<std::size_t>(n));
}

template <class S>
std::string format_args(std::span<S const> args) {
    std::vector<char const*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (auto const& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    return format(args.size(), argv.data(), lengths.data());
}

} // namespace

std::string format_command(std::span<std::string const> args) {
    return format_args(args);
}

std::string format_command(std::span<std::string_view const> args) {
    return format_args(args);
}

} // namespace sio::redis
