package api

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

var fixedTime = time.Date(2024, time.January, 15, 10, 30, 0, 0, time.UTC)

func sampleOrders() []Order {
	return []Order{
		{ID: uuid.MustParse("550e8400-e29b-41d4-a716-446655440000"), Customer: "cus_0001", AmountMin: 129900, Currency: "EUR", CreatedAt: fixedTime},
		{ID: uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), Customer: "cus_0002", AmountMin: 4500, Currency: "USD", CreatedAt: fixedTime.Add(90 * time.Minute)},
		{ID: uuid.MustParse("f47ac10b-58cc-4372-a567-0e02b2c3d479"), Customer: "cus_0003", AmountMin: 1000000, Currency: "JPY", CreatedAt: fixedTime.AddDate(0, 1, 2)},
	}
}

func TestMemoryStoreGet(t *testing.T) {
	s := NewMemoryStore(sampleOrders())
	got, err := s.Get(uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8"))
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.AmountMin != 4500 {
		t.Errorf("amount = %d, want 4500", got.AmountMin)
	}
}

func TestMemoryStoreMissing(t *testing.T) {
	s := NewMemoryStore(nil)
	if _, err := s.Get(uuid.Nil); err != ErrNotFound {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

func TestListPaging(t *testing.T) {
	s := NewMemoryStore(sampleOrders())
	for _, tc := range []struct {
		limit, offset, want int
	}{
		{10, 0, 3},
		{2, 0, 2},
		{2, 2, 1},
		{5, 10, 0},
	} {
		got, _ := s.List(tc.limit, tc.offset)
		if len(got) != tc.want {
			t.Errorf("List(%d, %d) = %d orders, want %d", tc.limit, tc.offset, len(got), tc.want)
		}
	}
}

func BenchmarkGet(b *testing.B) {
	s := NewMemoryStore(sampleOrders())
	id := uuid.MustParse("f47ac10b-58cc-4372-a567-0e02b2c3d479")
	for i := 0; i < b.N; i++ {
		_, _ = s.Get(id)
	}
}
