//! Tests of the summary model on constructed logs.
