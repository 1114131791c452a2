#pragma once
// ast::List: the growable array the syntax tree uses for its children. One pointer wide
// (std::vector is three): a large setup has hundreds of thousands of nodes, most with their
// lists empty, and the trees of all files are in memory at once after parsing.
#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

namespace mon::ast {

template <typename T>
class List {
 public:
  List() = default;
  List(List&& o) noexcept : block_(std::exchange(o.block_, nullptr)) {}
  List& operator=(List&& o) noexcept {
    if (this != &o) {
      destroy();
      block_ = std::exchange(o.block_, nullptr);
    }
    return *this;
  }
  List(const List&) = delete;
  List& operator=(const List&) = delete;
  ~List() { destroy(); }

  size_t size() const { return block_ ? block_->size : 0; }
  bool empty() const { return size() == 0; }
  T* begin() { return data(); }
  T* end() { return data() + size(); }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size(); }
  T& operator[](size_t i) { return data()[i]; }
  const T& operator[](size_t i) const { return data()[i]; }
  T& front() { return data()[0]; }
  const T& front() const { return data()[0]; }
  T& back() { return data()[size() - 1]; }
  const T& back() const { return data()[size() - 1]; }

  void push_back(T&& v) { emplace_back(std::move(v)); }
  template <typename... Args>
  T& emplace_back(Args&&... args) {
    if (size() == capacity()) grow();
    T* slot = data() + block_->size;
    new (slot) T(std::forward<Args>(args)...);
    ++block_->size;
    return *slot;
  }
  void pop_back() {
    data()[size() - 1].~T();
    --block_->size;
  }
  void clear() {
    for (T& v : *this) v.~T();
    if (block_) block_->size = 0;
  }

 private:
  struct alignas(alignof(T) > 8 ? alignof(T) : 8) Block {
    uint32_t size;
    uint32_t capacity;
  };
  static_assert(sizeof(Block) % alignof(T) == 0, "elements follow the header");

  size_t capacity() const { return block_ ? block_->capacity : 0; }
  T* data() { return block_ ? reinterpret_cast<T*>(block_ + 1) : nullptr; }
  const T* data() const { return block_ ? reinterpret_cast<const T*>(block_ + 1) : nullptr; }

  void grow() {
    uint32_t cap = block_ ? block_->capacity * 2 : 1;
    auto* fresh = static_cast<Block*>(::operator new(sizeof(Block) + sizeof(T) * cap));
    fresh->size = 0;
    fresh->capacity = cap;
    T* to = reinterpret_cast<T*>(fresh + 1);
    for (size_t i = 0; i < size(); ++i) {
      new (to + i) T(std::move(data()[i]));
      data()[i].~T();
    }
    fresh->size = static_cast<uint32_t>(size());
    ::operator delete(block_);
    block_ = fresh;
  }
  void destroy() {
    if (!block_) return;
    clear();
    ::operator delete(block_);
    block_ = nullptr;
  }

  Block* block_ = nullptr;
};

}  // namespace mon::ast
