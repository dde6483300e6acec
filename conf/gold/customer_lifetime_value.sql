-- gold.customer_lifetime_value: per current customer, the orders placed, the revenue of their
-- lines, and the first and last order date. Customers without orders are kept, with zeros.
WITH order_revenue AS (
    SELECT l_orderkey, SUM(l_extendedprice * (1 - l_discount)) AS revenue
    FROM silver.lineitem
    GROUP BY l_orderkey
)
SELECT
    c.c_custkey,
    c.c_name,
    c.c_mktsegment,
    n.n_name                         AS nation,
    COUNT(o.o_orderkey)              AS orders,
    COALESCE(SUM(r.revenue), 0)      AS revenue,
    MIN(o.o_orderdate)               AS first_order_date,
    MAX(o.o_orderdate)               AS last_order_date
FROM silver.customer c
JOIN silver.nation n ON n.n_nationkey = c.c_nationkey
LEFT JOIN silver.orders o ON o.o_custkey = c.c_custkey
LEFT JOIN order_revenue r ON r.l_orderkey = o.o_orderkey
GROUP BY c.c_custkey, c.c_name, c.c_mktsegment, n.n_name
