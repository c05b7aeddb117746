package cases

// Suggest returns the candidate closest to word by edit distance, or ""
// when none is close enough to be a plausible typo. Other packages use it
// for the same did-you-mean hints as case files, such as sweep parameter
// names.
func Suggest(word string, candidates []string) string { return suggest(word, candidates) }

// DidYouMean returns the hint " (did you mean "X"?)" for the candidate X
// closest to word, or "" when Suggest finds none.
func DidYouMean(word string, candidates []string) string { return didYouMean(word, candidates) }
