# Weekly sales summary. Input: sales.csv with date, region, units, revenue.
library(dplyr)
library(readr)
library(lubridate)

sales <- read_csv("data/sales.csv", col_types = cols(
  date = col_date(format = "%Y-%m-%d"),
  region = col_character(),
  units = col_integer(),
  revenue = col_double()
))

weekly <- sales %>%
  filter(date >= as.Date("2024-01-01"), date <= as.Date("2024-06-30")) %>%
  mutate(week = floor_date(date, "week", week_start = 1)) %>%
  group_by(region, week) %>%
  summarise(units = sum(units), revenue = sum(revenue), .groups = "drop") %>%
  arrange(region, week)

model <- lm(revenue ~ units + region, data = weekly)
print(summary(model))

set.seed(20240615)
boot <- replicate(1000, {
  idx <- sample(nrow(weekly), replace = TRUE)
  coef(lm(revenue ~ units, data = weekly[idx, ]))[["units"]]
})
cat(sprintf("revenue per unit: %.2f (95%% CI %.2f to %.2f)\n",
            mean(boot), quantile(boot, 0.025), quantile(boot, 0.975)))
