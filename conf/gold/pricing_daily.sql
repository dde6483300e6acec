-- gold.pricing_daily: one row per ship date, return flag and line status, with exact decimal
-- sums and no averages, so any date range rolls up by summing rows. TPC-H Q1 is
--   SELECT l_returnflag, l_linestatus, SUM(sum_qty), ..., SUM(sum_qty) / SUM(count_order)
--   FROM gold.pricing_daily WHERE ship_date <= DATE '1998-09-02' GROUP BY 1, 2
SELECT
    l_shipdate                                            AS ship_date,
    CAST(date_trunc('MONTH', l_shipdate) AS DATE)         AS ship_month,
    l_returnflag,
    l_linestatus,
    SUM(l_quantity)                                       AS sum_qty,
    SUM(l_extendedprice)                                  AS sum_base_price,
    SUM(l_extendedprice * (1 - l_discount))               AS sum_disc_price,
    SUM(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge,
    SUM(l_discount)                                       AS sum_discount,
    COUNT(*)                                              AS count_order
FROM silver.lineitem
GROUP BY l_shipdate, l_returnflag, l_linestatus
