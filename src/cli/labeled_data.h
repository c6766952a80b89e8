// Labelled JSONL for `tincay train` and `tincay eval`: one JSON object per line with a text field
// and a label field (a string, number or boolean; an array of them for multi-label data).
#pragma once

#include <string>
#include <vector>

#include "tincay/core/result.h"
#include "tincay/core/thread_pool.h"
#include "tincay/detect/train.h"
#include "tincay/normalize.h"

namespace tincay::cli {

struct LabeledRecord {
  std::string text;
  std::vector<std::string> labels;
  std::size_t line = 0;
};

struct LabeledFile {
  std::vector<LabeledRecord> records;
  std::string sha256;       // of the file's bytes
  std::size_t skipped = 0;  // bad lines, reported on stderr
};

// Reads `path`. A line that is not a JSON object, lacks the text field or the label field, or
// has a label of another type is reported on stderr as "path:line: reason" and skipped. Fails
// when the file cannot be read or holds no usable record.
Result<LabeledFile> read_labeled_file(const std::string& path, const std::string& text_field,
                                      const std::string& label_field);

// "a,b,,c" → {"a", "b", "c"}: the comma-separated lists of train and eval flags.
std::vector<std::string> split_list(const std::string& s);

// Maps the records' labels to indices of `labels` (no text); an unknown label is an error naming
// the file and line and listing `labels`, which the message calls `labels_name` ("the model's
// labels").
Result<std::vector<LabeledText>> label_records(const std::vector<LabeledRecord>& records,
                                               const std::vector<std::string>& labels,
                                               const std::string& source,
                                               const std::string& labels_name);

// Normalizes the records and maps their labels to indices of `labels` (label_records, naming
// them the model's labels).
Result<std::vector<LabeledText>> to_labeled_texts(const std::vector<LabeledRecord>& records,
                                                  const std::vector<std::string>& labels,
                                                  const Normalizer& normalizer, ThreadPool& pool,
                                                  const std::string& source);

}  // namespace tincay::cli
