#pragma once
// A vector whose copies share storage until one of them is changed. Values are copied a lot
// during expansion (every use of a `let` or loop variable copies it); with plain vectors a
// list of maps was copied element by element each time.
#include <initializer_list>
#include <memory>
#include <vector>

namespace mon {

template <typename T>
class CowVector {
 public:
  using value_type = T;
  using const_iterator = typename std::vector<T>::const_iterator;

  CowVector() = default;
  CowVector(std::initializer_list<T> init) : data_(std::make_shared<std::vector<T>>(init)) {}

  size_t size() const { return data_ ? data_->size() : 0; }
  bool empty() const { return size() == 0; }
  const T& operator[](size_t i) const { return (*data_)[i]; }
  const T& back() const { return data_->back(); }
  const_iterator begin() const { return data_ ? data_->cbegin() : empty_().cbegin(); }
  const_iterator end() const { return data_ ? data_->cend() : empty_().cend(); }

  /// The shared storage, or null when empty: two vectors with the same identity hold the same
  /// elements (equality and size computations use it to visit shared structure once).
  const void* identity() const { return data_.get(); }

  T& mut(size_t i) { return own()[i]; }
  void push_back(T v) { own().push_back(std::move(v)); }
  template <typename... A>
  T& emplace_back(A&&... a) { return own().emplace_back(std::forward<A>(a)...); }
  void reserve(size_t n) { own().reserve(n); }
  template <typename It>
  void append(It first, It last) {
    auto& v = own();
    v.insert(v.end(), first, last);
  }

 private:
  static const std::vector<T>& empty_() {
    static const std::vector<T> e;
    return e;
  }
  std::vector<T>& own() {
    if (!data_) data_ = std::make_shared<std::vector<T>>();
    else if (data_.use_count() > 1) data_ = std::make_shared<std::vector<T>>(*data_);
    return *data_;
  }
  std::shared_ptr<std::vector<T>> data_;
};

}  // namespace mon
