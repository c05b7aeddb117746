package cases

import (
	"fmt"
	"math"
	"strings"
)

// suggest returns the candidate closest to word by edit distance, or ""
// when none is close enough to be a plausible typo: at most a third of the
// longer of the two lengths, and at least two edits allowed.
func suggest(word string, candidates []string) string {
	best, bestDist := "", math.MaxInt
	lw := strings.ToLower(word)
	for _, c := range candidates {
		limit := max(2, max(len(word), len(c))/3)
		if d := editDistance(lw, strings.ToLower(c)); d <= limit && d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// didYouMean formats a suggestion for word among candidates, or returns ""
// when there is none.
func didYouMean(word string, candidates []string) string {
	if s := suggest(word, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, counted in
// bytes, which is enough for the ASCII keys and names of case files.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
