package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// Order is what the API returns for GET /v1/orders/{id}.
type Order struct {
	ID        uuid.UUID `json:"id"`
	Customer  string    `json:"customer"`
	AmountMin int64     `json:"amount_minor"`
	Currency  string    `json:"currency"`
	CreatedAt time.Time `json:"created_at"`
}

type Store interface {
	Get(id uuid.UUID) (*Order, error)
	List(limit, offset int) ([]Order, error)
}

var ErrNotFound = errors.New("order not found")

type Handler struct {
	store  Store
	logger *slog.Logger
}

func NewHandler(store Store, logger *slog.Logger) *Handler {
	return &Handler{store: store, logger: logger}
}

func (h *Handler) GetOrder(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		http.Error(w, "id must be a UUID such as 3f2b8c1e-9d4a-4b7e-a1c2-5e6f7a8b9c0d", http.StatusBadRequest)
		return
	}
	order, err := h.store.Get(id)
	if errors.Is(err, ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.logger.Error("get order", "id", id, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "max-age=60")
	_ = json.NewEncoder(w).Encode(order)
}

func (h *Handler) ListOrders(w http.ResponseWriter, r *http.Request) {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	orders, err := h.store.List(limit, offset)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	token := r.Header.Get("X-Request-Token")
	h.logger.Info("list orders", "count", len(orders), "has_token", token != "")
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(orders)
}

func Serve(h *Handler) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/orders/{id}", h.GetOrder)
	mux.HandleFunc("GET /v1/orders", h.ListOrders)
	srv := &http.Server{
		Addr:              "127.0.0.1:8080",
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	return srv.ListenAndServe()
}
