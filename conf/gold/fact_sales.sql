-- gold.fact_sales: the fact table of a star schema, one row per order line, with the
-- customer as it is now (silver.customer is the current state of the change feed), its
-- nation and region. Dimensions are left-joined so an order line is never lost for want
-- of a customer.
SELECT
    l.l_orderkey,
    l.l_linenumber,
    o.o_orderdate                                   AS order_date,
    CAST(date_trunc('MONTH', o.o_orderdate) AS DATE) AS order_month,
    o.o_custkey                                     AS custkey,
    c.c_name                                        AS customer_name,
    c.c_mktsegment                                  AS market_segment,
    n.n_name                                        AS nation,
    r.r_name                                        AS region,
    l.l_partkey,
    l.l_suppkey,
    l.l_quantity,
    l.l_extendedprice,
    l.l_discount,
    l.l_extendedprice * (1 - l.l_discount)          AS revenue,
    l.l_shipdate,
    l.l_returnflag,
    l.l_linestatus
FROM silver.lineitem l
JOIN silver.orders o ON o.o_orderkey = l.l_orderkey
LEFT JOIN silver.customer c ON c.c_custkey = o.o_custkey
LEFT JOIN silver.nation n ON n.n_nationkey = c.c_nationkey
LEFT JOIN silver.region r ON r.r_regionkey = n.n_regionkey
